package dev.realtime.testkit;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a {@code @QuarkusTest} in the production configuration profile, the one a packaged service runs, with the
 * addresses the deployment would pass coming from the test resources instead: PostgreSQL and Kafka from theirs,
 * the OIDC server from {@code OidcWiremockTestResource} (what {@code QUARKUS_OIDC_AUTH_SERVER_URL} would say).
 * Subclass it to add what a service needs besides ({@link #extraOverrides()}).
 */
public class ProductionProfile implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "prod";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("quarkus.oidc.auth-server-url", "${keycloak.url}/realms/quarkus/");
        // A free port for the test server, whatever the service's own %test settings say.
        overrides.put("quarkus.http.test-port", "0");
        overrides.putAll(extraOverrides());
        return overrides;
    }

    protected Map<String, String> extraOverrides() {
        return Map.of();
    }
}
