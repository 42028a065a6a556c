package dev.realtime.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Real signed access tokens from the Quarkus OIDC test server ({@link OidcWiremockTestResource}), which the
 * service under test validates through OIDC discovery and JWKS. Declare that resource on the test.
 */
public final class Tokens {
    /**
     * The {@code aud} every service expects ({@code quarkus.oidc.token.audience}), as the local stack's issuer and the
     * Keycloak realm in deploy/keycloak put it in access tokens.
     */
    public static final String AUDIENCE = "realtime";

    private Tokens() {
    }

    /** A bearer token whose {@code sub} and {@code preferred_username} are {@code user}, with {@code groups} = roles. */
    public static String accessToken(String user, String... roles) {
        // getAccessToken(user, roles) gives every user the same sub; the services key users by sub.
        return OidcWiremockTestResource.generateJwtToken(user, Set.of(roles), user, "Bearer", Set.of(AUDIENCE));
    }

    /** Like {@link #accessToken(String, String...)} with more claims (e.g. {@code email}). */
    public static String accessToken(String user, Map<String, String> claims, String... roles) {
        return OidcWiremockTestResource.generateJwtToken(user, Set.of(roles), user, "Bearer", Set.of(AUDIENCE), claims);
    }

    /**
     * Like {@link #accessToken(String, String...)} but expiring {@code lifetime} from now, signed with the same test
     * key and carrying the same issuer and audience, so the service validates it exactly like the others.
     */
    public static String accessToken(String user, Duration lifetime, String... roles) {
        return signed(user, user, lifetime, roles);
    }

    /**
     * A valid token of the test issuer (signature, issuer, audience, expiry in 5 minutes) whose {@code sub} is
     * {@code subject} as given, however malformed, or absent when {@code subject} is null; {@code preferred_username}
     * is {@code user}. For testing what a service does with an identity it must refuse.
     */
    public static String accessTokenWithSubject(String user, String subject, String... roles) {
        return signed(user, subject, Duration.ofMinutes(5), roles);
    }

    private static String signed(String user, String subject, Duration lifetime, String... roles) {
        JsonNode template = claims(accessToken("template", roles));
        List<String> audience = new ArrayList<>();
        JsonNode aud = template.path("aud");
        if (aud.isArray()) {
            aud.forEach(value -> audience.add(value.asText()));
        } else if (aud.isTextual()) {
            audience.add(aud.asText());
        }
        Instant now = Instant.now();
        JwtClaimsBuilder claims = Jwt.preferredUserName(user)
                .groups(Set.of(roles))
                .issuer(template.path("iss").asText())
                .audience(Set.copyOf(audience))
                .claim("typ", "Bearer")
                .issuedAt(now.getEpochSecond())
                .expiresAt(now.plus(lifetime).getEpochSecond());
        if (subject != null) {
            claims.subject(subject);
        }
        return claims.jws().keyId("1").sign("privateKey.jwk");
    }

    /** The claims of a JWT, read without checking anything. */
    public static JsonNode claims(String jwt) {
        try {
            return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String bearer(String user, String... roles) {
        return "Bearer " + accessToken(user, roles);
    }
}
