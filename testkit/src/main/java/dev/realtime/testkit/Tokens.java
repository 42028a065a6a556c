package dev.realtime.testkit;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Set;

/**
 * Real signed access tokens from the Quarkus OIDC test server ({@link OidcWiremockTestResource}), which the
 * service under test validates through OIDC discovery and JWKS. Declare that resource on the test.
 */
public final class Tokens {
    private Tokens() {
    }

    public static String accessToken(String user, String... roles) {
        return OidcWiremockTestResource.getAccessToken(user, Set.of(roles));
    }

    public static String bearer(String user, String... roles) {
        return "Bearer " + accessToken(user, roles);
    }
}
