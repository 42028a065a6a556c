package dev.realtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtime.contracts.events.TopicSpec;
import dev.realtime.contracts.events.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files, checked where no container can run: docker-compose.yml is valid for a Compose
 * implementation, passes only documented settings, creates the topics as docs/contracts.md says, and the Keycloak
 * realm gives the services what they read from tokens.
 */
class DeploymentFilesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final List<String> SERVICES = List.of("chat-service", "activity-service", "notification-service",
            "realtime-edge");
    static final ObjectMapper JSON = new ObjectMapper();
    /** The aud every service requires of access tokens, and the realm's clients put in them. */
    static final String SERVICE_AUDIENCE = "realtime";
    /** The services whose production profile requires its addresses (each service's application.properties). */
    static final List<String> PRODUCTION_CHECKED = List.of("chat-service", "activity-service", "notification-service", "realtime-edge");

    @Test
    void composeFileIsValidForJvmAndNativeImages() throws Exception {
        Assumptions.assumeTrue(onPath("docker-compose"),
                "docker-compose is not installed (Debian package docker-compose; .ci/run installs it)");
        for (String flavor : List.of("jvm", "native")) {
            ProcessBuilder builder = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml",
                    "--profile", "observability", "config")
                    .directory(ROOT.toFile()).redirectErrorStream(true);
            builder.environment().put("IMAGE_FLAVOR", flavor);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), "docker-compose config (" + flavor + "):\n" + output);
            JsonNode resolved = yaml(output);
            for (String observer : List.of("prometheus", "grafana")) {
                assertTrue(resolved.path("services").path(observer).isObject(), observer);
            }
            for (String service : SERVICES) {
                assertEquals("src/main/docker/Dockerfile." + flavor,
                        resolved.path("services").path(service).path("build").path("dockerfile").asText(), service);
            }
        }
    }

    @Test
    void everyServiceHasJvmAndNativeDockerfilesAndEveryVariableItIsGivenIsDocumented() throws IOException {
        JsonNode compose = yaml(Files.readString(ROOT.resolve("docker-compose.yml")));
        String deployment = Files.readString(ROOT.resolve("docs/deployment.md"));
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| ((?:`[A-Z0-9_]+`(?:, )?)+) \\|").matcher(deployment);
        while (row.find()) {
            Matcher name = Pattern.compile("`([A-Z0-9_]+)`").matcher(row.group(1));
            while (name.find()) {
                documented.add(name.group(1));
            }
        }
        String settings = Files.readString(ROOT.resolve("docs/settings.md"));
        List<String> undocumented = new ArrayList<>();
        for (String service : SERVICES) {
            for (String flavor : List.of("jvm", "native")) {
                assertTrue(Files.isRegularFile(ROOT.resolve(service).resolve("src/main/docker/Dockerfile." + flavor)),
                        service + " has no Dockerfile." + flavor);
            }
            JsonNode node = compose.path("services").path(service);
            assertTrue(node.isObject(), "docker-compose.yml runs " + service);
            JsonNode environment = node.path("environment");
            assertEquals("prod", environment.path("QUARKUS_PROFILE").asText(), service);
            List<String> own = settingVariables(settings, service);
            environment.fieldNames().forEachRemaining(variable -> {
                if (!documented.contains(variable) && own.stream().noneMatch(setting -> setting.endsWith("_")
                        ? variable.startsWith(setting) : variable.equals(setting))) {
                    undocumented.add(service + ": " + variable);
                }
            });
            assertTrue(node.path("healthcheck").path("test").toString().contains("/q/health/ready"), service);
        }
        assertEquals(List.of(), undocumented, "variables that are neither in the table of docs/deployment.md nor a "
                + "setting of that service in docs/settings.md");
    }

    /**
     * The environment variables of a service's own settings in docs/settings.md (generated from the code): its
     * module's section and, for the domain services, their libraries'; a map's entries as a prefix ending in _.
     */
    private static List<String> settingVariables(String settings, String service) {
        List<String> sections = service.equals("realtime-edge") ? List.of(service)
                : List.of(service, "eventstore", "oidc-token-cache");
        List<String> variables = new ArrayList<>();
        for (String section : sections) {
            int from = settings.indexOf("<!-- settings:" + section + " -->");
            int to = settings.indexOf("<!-- /settings:" + section + " -->");
            assertTrue(from >= 0 && to > from, "docs/settings.md has a section " + section);
            Matcher row = Pattern.compile("(?m)^\\| `[^`]+` \\| `([A-Z0-9_<>]+)` \\|").matcher(settings.substring(from, to));
            while (row.find()) {
                variables.add(row.group(1).replace("<NAME>", ""));
            }
        }
        return variables;
    }

    /** The compose file creates exactly contracts' topics, each with the partitions and configs of its spec. */
    @Test
    void theTopicSetUpCreatesEveryTopicAsContractsSpecifiesIt() throws IOException {
        JsonNode compose = yaml(Files.readString(ROOT.resolve("docker-compose.yml")));
        String script = compose.path("services").path("kafka-topics").path("command").get(0).asText();
        Map<String, String> created = new java.util.HashMap<>();
        Matcher line = Pattern.compile("(?m)^create --topic (\\S+)(.*)$").matcher(script);
        while (line.find()) {
            created.put(line.group(1), line.group(2));
        }
        assertEquals(new TreeSet<>(Topics.ALL.stream().map(TopicSpec::name).toList()), new TreeSet<>(created.keySet()));
        for (TopicSpec spec : Topics.ALL) {
            String options = created.get(spec.name());
            Matcher partitions = Pattern.compile("--partitions (\\d+)").matcher(options);
            assertTrue(partitions.find(), spec.name() + " names its partitions");
            assertEquals(spec.partitions(), Integer.parseInt(partitions.group(1)), spec.name());
            Map<String, String> configs = new java.util.LinkedHashMap<>();
            Matcher config = Pattern.compile("--config (\\S+)=(\\S+)").matcher(options);
            while (config.find()) {
                configs.put(config.group(1), config.group(2));
            }
            assertEquals(spec.configs(), configs, spec.name());
        }
        assertTrue(Topics.spec(Topics.MEMBERSHIPS).compacted(), "memberships are compacted");
        assertTrue(Topics.spec(Topics.SIGNALS).retention().toMillis() <= 600_000, "signals are short-lived");
    }

    @Test
    void everyServiceRequiresTheSameAudienceInEveryProfile() throws IOException {
        for (String service : SERVICES) {
            java.util.Properties properties = new java.util.Properties();
            try (var in = java.nio.file.Files.newInputStream(
                    ROOT.resolve(service + "/src/main/resources/application.properties"))) {
                properties.load(in);
            }
            assertEquals(SERVICE_AUDIENCE, properties.getProperty("quarkus.oidc.token.audience"), service);
            for (String key : properties.stringPropertyNames()) {
                // A profile that drops or changes the audience would accept tokens for any client there.
                assertTrue(!key.endsWith(".quarkus.oidc.token.audience") || !key.startsWith("%"),
                        service + " overrides the audience in a profile: " + key);
            }
        }
    }

    @Test
    void theKeycloakRealmGivesTheServicesSubjectsRolesAndClients() throws IOException {
        JsonNode realm = JSON.readTree(ROOT.resolve("deploy/keycloak/realtime-realm.json").toFile());
        assertEquals("realtime", realm.path("realm").asText());
        Set<String> clients = new TreeSet<>();
        realm.path("clients").forEach(client -> {
            clients.add(client.path("clientId").asText());
            boolean rolesAsGroups = false;
            boolean audience = false;
            for (JsonNode mapper : client.path("protocolMappers")) {
                rolesAsGroups |= "oidc-usermodel-realm-role-mapper".equals(mapper.path("protocolMapper").asText())
                        && "groups".equals(mapper.path("config").path("claim.name").asText());
                // The services accept only access tokens whose aud holds quarkus.oidc.token.audience.
                audience |= "oidc-audience-mapper".equals(mapper.path("protocolMapper").asText())
                        && SERVICE_AUDIENCE.equals(mapper.path("config").path("included.custom.audience").asText())
                        && "true".equals(mapper.path("config").path("access.token.claim").asText());
            }
            if ("other-app".equals(client.path("clientId").asText())) {
                // Another application on the realm: its tokens must not be for this system.
                assertFalse(audience, "other-app must not put " + SERVICE_AUDIENCE + " in its tokens");
                return;
            }
            assertTrue(rolesAsGroups, client.path("clientId").asText() + " puts realm roles in the groups claim");
            assertTrue(audience, client.path("clientId").asText() + " puts " + SERVICE_AUDIENCE
                    + " in the access token's aud");
        });
        assertEquals(Set.of("service", "realtime-edge", "web", "other-app"), clients);
        Set<String> demoUsers = new TreeSet<>();
        Map<String, Set<String>> serviceAccounts = new TreeMap<>();
        realm.path("users").forEach(user -> {
            if (user.has("serviceAccountClientId")) {
                // A client's tokens say sub=<client id> (sub=service for the services), as the development issuer's do.
                assertEquals(user.path("serviceAccountClientId").asText(), user.path("id").asText());
                Set<String> roles = new TreeSet<>();
                user.path("realmRoles").forEach(role -> roles.add(role.asText()));
                serviceAccounts.put(user.path("id").asText(), roles);
            } else if (user.has("id")) {
                // The id becomes the token's sub: the user id everywhere in the system.
                assertEquals(user.path("username").asText(), user.path("id").asText());
                demoUsers.add(user.path("id").asText());
            }
        });
        assertEquals(Set.of("alice", "bob", "carol", "dave"), demoUsers);
        // The edge reads rooms' history on a member's behalf, which only history-reader may; no other client may.
        assertEquals(Map.of("service", Set.of("service", "operator"), "realtime-edge", Set.of("history-reader")),
                serviceAccounts);
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        assertTrue(compose.contains("./deploy/keycloak:/opt/keycloak/data/import"), "the realm is imported");
    }

    /**
     * A packaged service runs the production profile, which has no development addresses: started with none
     * given, it stops at once and names the setting, instead of connecting to a development default.
     */
    @Test
    void aPackagedServiceWithoutItsAddressesRefusesToStartAndNamesTheVariable() throws Exception {
        for (String service : PRODUCTION_CHECKED) {
            Path jar = ROOT.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
            assertTrue(Files.isRegularFile(jar), "packaged " + service + " (run ./mvnw package)");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dquarkus.http.port=0", "-jar", jar.toString())
                    .directory(ROOT.resolve(service).toFile()).redirectErrorStream(true);
            builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("KAFKA_"));
            Process process = builder.start();
            boolean exited = process.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(exited, service + " started without its addresses:\n" + output);
            assertTrue(process.exitValue() != 0, service + " exited with 0:\n" + output);
            // Quarkus names the property; docs/deployment.md gives its variable (kafka.bootstrap.servers: KAFKA_BOOTSTRAP_SERVERS).
            assertTrue(output.contains("kafka.bootstrap.servers") || output.contains("quarkus.datasource.")
                    || output.contains("quarkus.oidc.auth-server-url"),
                    service + " (exit " + process.exitValue() + ") does not name what is missing:\n" + output);
        }
    }

    /**
     * The demo web app's image (nginx, not a Quarkus service) is built from the repository root, and its
     * config.json points at what the compose file publishes: Keycloak's realm and a client whose redirect URIs
     * cover the demo, the edge and the three REST services, which in turn allow the demo's origin.
     */
    @Test
    void theDemoAppIsServedOn8090AndPointsAtThePublishedPortsOfKeycloakAndTheServices() throws IOException {
        JsonNode compose = yaml(Files.readString(ROOT.resolve("docker-compose.yml")));
        JsonNode demo = compose.path("services").path("demo");
        assertEquals(".", demo.path("build").path("context").asText());
        String dockerfile = Files.readString(ROOT.resolve(demo.path("build").path("dockerfile").asText()));
        for (String copied : List.of("deploy/demo/nginx.conf", "clients/demo/dist/", "deploy/demo/config.json")) {
            assertTrue(dockerfile.contains("COPY " + copied), "the demo image copies " + copied);
        }
        assertTrue(Files.isRegularFile(ROOT.resolve("deploy/demo/nginx.conf")));
        String dockerignore = Files.readString(ROOT.resolve(".dockerignore"));
        assertTrue(dockerignore.contains("!clients/demo/dist/") && dockerignore.contains("!deploy/demo/"),
                "the root build context sends what the demo image copies");
        assertEquals(List.of("8090:8080"), JSON.convertValue(demo.path("ports"), List.class));

        JsonNode config = JSON.readTree(ROOT.resolve("deploy/demo/config.json").toFile());
        assertEquals("http://localhost:" + publishedPort(compose, "keycloak") + "/realms/realtime",
                config.path("issuer").asText());
        assertEquals("ws://localhost:" + publishedPort(compose, "realtime-edge") + "/ws",
                config.path("edgeWsUrl").asText());
        assertEquals("http://localhost:" + publishedPort(compose, "chat-service"), config.path("chatUrl").asText());
        assertEquals("http://localhost:" + publishedPort(compose, "activity-service"),
                config.path("activityUrl").asText());
        assertEquals("http://localhost:" + publishedPort(compose, "notification-service"),
                config.path("notificationUrl").asText());

        JsonNode realm = JSON.readTree(ROOT.resolve("deploy/keycloak/realtime-realm.json").toFile());
        JsonNode client = null;
        for (JsonNode candidate : realm.path("clients")) {
            if (config.path("clientId").asText().equals(candidate.path("clientId").asText())) {
                client = candidate;
            }
        }
        assertTrue(client != null, "the realm has the demo's client " + config.path("clientId"));
        assertTrue(client.path("publicClient").asBoolean() && client.path("standardFlowEnabled").asBoolean());
        assertTrue(client.path("redirectUris").toString().contains("http://localhost:8090/*"), client.toString());

        for (String service : List.of("chat-service", "activity-service", "notification-service")) {
            assertEquals("http://localhost:8090", compose.path("services").path(service).path("environment")
                    .path("QUARKUS_HTTP_CORS_ORIGINS").asText(), service);
        }
        assertTrue(compose.path("services").path("realtime-edge").path("environment").path("REALTIME_ALLOWED_ORIGINS")
                .asText().contains("http://localhost:8090"));
    }

    /**
     * The "observability" profile: Prometheus scrapes every service where Quarkus serves its metrics, and Grafana
     * loads the dashboard from the files the compose file mounts, with the data source its panels name. Which metrics
     * the panels query is checked against the running services (RealtimeEndToEndTest).
     */
    @Test
    void theObservabilityProfileScrapesEveryServiceAndProvisionsTheDashboard() throws IOException {
        JsonNode compose = yaml(Files.readString(ROOT.resolve("docker-compose.yml")));
        Map<String, String> mounts = new java.util.HashMap<>();
        for (String observer : List.of("prometheus", "grafana")) {
            JsonNode service = compose.path("services").path(observer);
            assertEquals(List.of("observability"), JSON.convertValue(service.path("profiles"), List.class),
                    observer + " starts only when asked for");
            for (JsonNode volume : service.path("volumes")) {
                String[] parts = volume.asText().split(":");
                if (parts[0].startsWith("./")) {
                    assertTrue(Files.exists(ROOT.resolve(parts[0].substring(2))), "mounted " + parts[0]);
                    mounts.put(parts[1], parts[0].substring(2));
                }
            }
        }

        JsonNode prometheus = yaml(Files.readString(ROOT.resolve(mounts.get("/etc/prometheus/prometheus.yml"))));
        Map<String, String> jobs = new java.util.TreeMap<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            assertEquals("/q/metrics", job.path("metrics_path").asText(), job.toString());
            jobs.put(job.path("job_name").asText(), job.path("static_configs").get(0).path("targets").get(0).asText());
        }
        Map<String, String> expected = new java.util.TreeMap<>();
        for (String service : SERVICES) {
            // QUARKUS_HTTP_PORT is where /q/metrics is served; the service name is its host on the compose network.
            String port = compose.path("services").path(service).path("environment").path("QUARKUS_HTTP_PORT").asText();
            expected.put(service, service + ":" + port);
        }
        assertEquals(expected, jobs);

        Path provisioning = ROOT.resolve(mounts.get("/etc/grafana/provisioning"));
        JsonNode datasources = yaml(Files.readString(provisioning.resolve("datasources/prometheus.yml")));
        JsonNode datasource = datasources.path("datasources").get(0);
        assertEquals("http://prometheus:9090", datasource.path("url").asText());
        assertTrue(compose.path("services").path("prometheus").path("ports").toString().contains("9090:9090"));
        JsonNode provider = yaml(Files.readString(provisioning.resolve("dashboards/realtime-backbone.yml")))
                .path("providers").get(0);
        String dashboards = mounts.get(provider.path("options").path("path").asText());
        assertTrue(dashboards != null, "Grafana reads dashboards from a mounted folder: " + provider);
        assertEquals(Dashboard.FILE, ROOT.resolve(dashboards).resolve("realtime-backbone.json"));

        Dashboard dashboard = Dashboard.read();
        Set<Integer> ids = new java.util.HashSet<>();
        int charts = 0;
        for (JsonNode panel : dashboard.json().path("panels")) {
            assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique: " + panel.path("title"));
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            charts++;
            assertEquals(datasource.path("uid").asText(), panel.path("datasource").path("uid").asText(),
                    panel.path("title").asText());
            assertFalse(panel.path("targets").isEmpty(), panel.path("title") + " queries something");
        }
        assertTrue(charts >= 20, "panels: " + charts);
        // The rows the issue asks for: the edge, the relays, the consumers and notification fan-out.
        String queries = dashboard.queries().toString();
        for (String metric : List.of("realtime_edge_sessions", "realtime_edge_frames_delivered_total",
                "realtime_edge_consumer_lag", "eventstore_relay_backlog", "eventstore_relay_lag_seconds",
                "consumer_stalled_seconds", "kafka_consumer_fetch_manager_records_lag",
                "notification_fanout_lag_seconds")) {
            assertTrue(queries.contains("metric=" + metric + ","), "the dashboard shows " + metric);
        }
    }

    /** The host port a service publishes for its container port 8080. */
    private static int publishedPort(JsonNode compose, String service) {
        for (JsonNode mapping : compose.path("services").path(service).path("ports")) {
            String[] parts = mapping.asText().split(":");
            if (parts.length == 2 && parts[1].equals("8080")) {
                return Integer.parseInt(parts[0]);
            }
        }
        throw new AssertionError(service + " publishes no port for 8080");
    }

    /** The YAML as a tree, with anchors, aliases and merge keys ({@code <<: *anchor}) resolved. */
    private static JsonNode yaml(String text) {
        return JSON.valueToTree(new Yaml().load(text));
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
