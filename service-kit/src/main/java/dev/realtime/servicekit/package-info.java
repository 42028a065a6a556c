/**
 * What the three REST services (chat, activity, notification) share at their web edge, by feature:
 * <ul>
 *   <li>{@code problem}: RFC 9457 problem details ({@code Problems}, also used by realtime-edge) and the two
 *   exceptions answered as 400 naming a field or a query parameter;</li>
 *   <li>{@code rest}: the JAX-RS providers and beans behind the error contract of docs/problems.md (the generic
 *   exception mappers, strict JSON binding, storable text, strict query parameters);</li>
 *   <li>{@code caller}: {@code CurrentCaller}, the caller of the current request, from which each service builds its
 *   own domain caller;</li>
 *   <li>{@code db}: recognizing a PostgreSQL unique violation of one constraint.</li>
 * </ul>
 *
 * <h2>Who gets the beans</h2>
 * Unlike the other libraries of this build, this module ships no Jandex index (no jandex-maven-plugin, no
 * {@code beans.xml}), so Quarkus does not discover its CDI beans and JAX-RS providers just because the jar is on the
 * class path. A service that wants them opts in, in its {@code application.properties}:
 * <pre>
 * quarkus.index-dependency.service-kit.group-id=dev.realtime
 * quarkus.index-dependency.service-kit.artifact-id=service-kit
 * </pre>
 * chat-service, activity-service and notification-service do. eventstore uses {@code Problems} (its 409) and
 * {@code UniqueViolation} only, and leaves the opt-in to the service. realtime-edge does not opt in: it uses the static
 * {@code Problems} only, and must not get the kit's mappers (it has no Hibernate Validator, and its own
 * {@code ProblemMappers} pass 401 and 403 through) nor its {@code ObjectMapper} customizer. With an opt-in, a bean or
 * provider added to the kit later cannot reach the edge by accident. The alternatives were worse: an index plus
 * exclusions in the edge ({@code quarkus.arc.exclude-types}) is an opt-out that each new bean or provider has to
 * remember, and splitting the module in two is more than the edge's one class needs.
 *
 * <p>The dependencies only the bean side needs (Hibernate Validator, quarkus-oidc, the PostgreSQL client,
 * Hibernate) are optional in the pom, so the edge's class path does not grow either; the services have them anyway.
 */
package dev.realtime.servicekit;
