#!/usr/bin/env bash
# The whole system on this machine, for local development: the machine's PostgreSQL, an embedded Kafka broker,
# a development-only OIDC issuer (demo users alice, bob, carol, dave; password = user name), the four services
# as separate processes, an SMTP sink for their e-mails (shown at http://localhost:8090/mail) and the demo web app
# on http://localhost:8090. Ctrl-C stops everything.
#
#   ./local-stack.sh                          build if needed, then run on the default ports
#   PG_URL=postgresql://u:p@host:5432/postgres ./local-stack.sh
#   STACK_SERVICES=none ./local-stack.sh       only PostgreSQL databases, Kafka and the issuer
#   STACK_IDP=keycloak ./local-stack.sh       a real Keycloak (realm of deploy/keycloak) instead of the development
#                                              issuer: 15-40 s more to start, about 500 MB; console admin/admin
#   STACK_ECHO_LOGS=true ./local-stack.sh      also copy the services' output to the console
#   MVN_ARGS=-o ./local-stack.sh               extra Maven arguments for the build (e.g. offline)
#   REBUILD=1 ./local-stack.sh                 build even when the jars look current
#   ./local-stack.sh --clean                   start empty: drop the databases and delete Kafka's data first
#                                              (same: STACK_CLEAN=1 ./local-stack.sh)
#   ./local-stack.sh --tracing                 trace every request (OpenTelemetry), collected in the launcher:
#                                              http://127.0.0.1:4318/traces lists them, /traces/<trace id> shows one
#
# Everything listens on 127.0.0.1 only (the issuer's passwords are public). To reach the services from another
# machine: STACK_SERVICE_JVM_OPTS=-Dquarkus.http.host=0.0.0.0 ./local-stack.sh (the issuer and the demo stay local).
#
# Data survives a restart: the databases on PostgreSQL, and Kafka's topics in .local-stack/kafka.
# Every setting (ports, databases, timeouts): launcher/src/main/java/dev/realtime/launcher/StackConfig.java.
# The services run with their `local` profile: the %local entries of <module>/src/main/resources/application.properties.
# Service logs: .local-stack/logs/<module>.log
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD
SERVICES=(chat-service activity-service notification-service realtime-edge)
# Libraries packaged into the services: a change there also makes the service jars stale.
SHARED_SOURCES=(pom.xml contracts/pom.xml contracts/src service-kit/pom.xml service-kit/src eventstore/pom.xml eventstore/src
  identity-guard/pom.xml identity-guard/src oidc-token-cache/pom.xml oidc-token-cache/src)
# The demo web app the launcher serves (clients/demo/dist, built by its module from these and the SDK's sources).
DEMO_SOURCES=(clients/demo/src clients/demo/index.html clients/js/src)
# shellcheck disable=SC2206 # MVN_ARGS is meant to be split into arguments
MVN=(./mvnw -q ${MVN_ARGS:-})
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

launcher_jar() {
  # The launcher module's own jar (not -sources/-javadoc), whatever the project version.
  find launcher/target -maxdepth 1 -name 'launcher-*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' \
    -print -quit 2>/dev/null
}

# True when $1 is missing or any of the remaining paths holds a file newer than $1.
stale() {
  local target=$1
  shift
  [[ -f "$target" ]] || return 0
  local existing=()
  local path
  for path in "$@"; do
    [[ -e "$path" ]] && existing+=("$path")
  done
  [[ ${#existing[@]} -gt 0 ]] || return 1
  [[ -n "$(find "${existing[@]}" -type f -newer "$target" -print -quit)" ]]
}

needs_build() {
  [[ -n "${REBUILD:-}" ]] && return 0
  local jar module
  jar=$(launcher_jar)
  [[ -n "$jar" ]] || return 0
  stale "$jar" launcher/pom.xml launcher/src "${SHARED_SOURCES[@]}" && return 0
  for module in "${SERVICES[@]}"; do
    stale "$module/target/quarkus-app/quarkus-run.jar" "$module/pom.xml" "$module/src" "${SHARED_SOURCES[@]}" \
      && return 0
  done
  # Only where the demo module exists: without it there is nothing that could build clients/demo/dist.
  if [[ -f clients/demo/pom.xml || -f clients/demo/package.json ]]; then
    stale clients/demo/dist/index.html "${DEMO_SOURCES[@]}" && return 0
  fi
  return 1
}

if needs_build; then
  echo "Building (service jars or the demo app missing or older than their sources): ./mvnw -q install -DskipTests"
  "${MVN[@]}" install -DskipTests
fi

# The launcher's runtime classpath: every build writes it (launcher/pom.xml); rewritten here only when a pom is newer,
# by the same execution, whose plugin the first build has already put in the local repository (so -o works).
CLASSPATH_FILE="$ROOT/launcher/target/classpath.txt"
if stale "$CLASSPATH_FILE" launcher/pom.xml pom.xml; then
  "${MVN[@]}" -pl launcher generate-resources
fi

# exec: the JVM replaces this shell, so Ctrl-C (SIGINT) and kill (SIGTERM) reach it directly; its shutdown hook stops
# the services it started (they are in the same process group, so Ctrl-C reaches them as well).
# shellcheck disable=SC2206 # STACK_LAUNCHER_JVM_OPTS is meant to be split into arguments
exec "$JAVA" ${STACK_LAUNCHER_JVM_OPTS:-} -Dstack.repo.dir="$ROOT" \
  -cp "$(launcher_jar):$(cat "$CLASSPATH_FILE")" \
  dev.realtime.launcher.Launcher "$@"
