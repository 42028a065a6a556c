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

    /** A bearer token whose {@code sub} and {@code preferred_username} are {@code user}, with {@code groups} = roles. */
    public static String accessToken(String user, String... roles) {
        // getAccessToken(user, roles) gives every user the same sub; the services key users by sub.
        return OidcWiremockTestResource.generateJwtToken(user, Set.of(roles), user, "Bearer");
    }

    public static String bearer(String user, String... roles) {
        return "Bearer " + accessToken(user, roles);
    }
}
