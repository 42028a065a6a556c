package dev.realtime.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Bearer credentials every service must refuse with a plain 401 and the RFC 6750 challenge (docs/problems.md), the
 * same for every service: tokens validly signed by the test issuer that are not access tokens for this API (an ID
 * token, a token for another client, one without audience, one issued in the future), and credentials that cannot
 * be a JWT at all. Each must store nothing and never produce a 500.
 */
public final class ForeignTokens {
    private ForeignTokens() {
    }

    /** Label to credential (the part after {@code Bearer }), for {@code user} with {@code roles}. */
    public static Map<String, String> credentials(String user, String... roles) {
        Instant now = Instant.now();
        Map<String, String> tokens = new LinkedHashMap<>();
        // aud as an access token's, so that only the typ claim can refuse it.
        tokens.put("ID token (typ ID)", signed(user, Set.of(Tokens.AUDIENCE), "ID", now, roles));
        tokens.put("refresh token (typ Refresh)", signed(user, Set.of(Tokens.AUDIENCE), "Refresh", now, roles));
        tokens.put("token for another client (aud other-app)", signed(user, Set.of("other-app"), "Bearer", now, roles));
        tokens.put("token without aud", signed(user, null, "Bearer", now, roles));
        tokens.put("token issued an hour from now", signed(user, Set.of(Tokens.AUDIENCE), "Bearer",
                now.plus(Duration.ofHours(1)), roles));
        tokens.putAll(malformed());
        return tokens;
    }

    /** Credentials that cannot be a signed JWT; some made quarkus-oidc 3.32 fail with a 500 (quarkus#55887, #51705). */
    public static Map<String, String> malformed() {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("'.'", ".");
        tokens.put("'..'", "..");
        tokens.put("'...'", "...");
        tokens.put("header that is not JSON", "x." + base64("{}") + ".x");
        tokens.put("two parts", base64("{\"alg\":\"RS256\"}") + "." + base64("{}"));
        tokens.put("payload that is not JSON", base64("{\"alg\":\"RS256\"}") + "." + base64("not json") + ".c2ln");
        return tokens;
    }

    /**
     * Sends {@code request} with each credential of {@link #credentials} (and with an empty one) and asserts that
     * every answer is 401 with a bearer challenge; the failure lists every case that was answered otherwise.
     */
    public static void assertAllRefused(String user, Function<String, Response> request, String... roles) {
        Map<String, String> cases = new LinkedHashMap<>(credentials(user, roles));
        cases.put("empty credential", "");
        List<String> answeredOtherwise = new ArrayList<>();
        cases.forEach((label, credential) -> {
            Response response = request.apply("Bearer " + credential);
            String challenge = response.header("WWW-Authenticate");
            if (response.statusCode() != 401 || challenge == null || !challenge.startsWith("Bearer")) {
                answeredOtherwise.add(label + ": " + response.statusCode() + " " + challenge);
            }
        });
        assertEquals(List.of(), answeredOtherwise, "credentials not refused with 401 and a bearer challenge");
    }

    private static String signed(String user, Set<String> audience, String type, Instant issuedAt, String... roles) {
        String issuer = Tokens.claims(Tokens.accessToken("template", roles)).path("iss").asText();
        JwtClaimsBuilder claims = Jwt.preferredUserName(user)
                .subject(user)
                .groups(Set.of(roles))
                .issuer(issuer)
                .claim("typ", type)
                .issuedAt(issuedAt.getEpochSecond())
                .expiresAt(issuedAt.plus(Duration.ofHours(1)).getEpochSecond());
        if (audience != null) {
            claims.audience(audience);
        }
        return claims.jws().keyId("1").sign("privateKey.jwk");
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
