package dev.realtime.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DevOidcIssuerTest {

    private static DevOidcIssuer issuer;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        issuer = DevOidcIssuer.start(0);
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    @Test
    void discoveryDocumentDescribesTheRealmLikeKeycloak() throws Exception {
        HttpResponse<String> response = get(issuer.discoveryUrl());

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        Map<String, Object> doc = JsonUtil.parseJson(response.body());
        assertEquals("http://localhost:" + issuer.port() + "/realms/dev", doc.get("issuer"));
        assertEquals(issuer.issuer(), doc.get("issuer"));
        assertEquals(issuer.jwksUrl(), doc.get("jwks_uri"));
        assertEquals(issuer.tokenEndpoint(), doc.get("token_endpoint"));
        assertTrue(((String) doc.get("jwks_uri")).endsWith("/realms/dev/protocol/openid-connect/certs"));
        assertTrue(((String) doc.get("token_endpoint")).endsWith("/realms/dev/protocol/openid-connect/token"));
        assertEquals(List.of("RS256"), doc.get("id_token_signing_alg_values_supported"));
        assertEquals(Boolean.TRUE, doc.get("dev_only"));
    }

    @Test
    void jwksServesOnlyThePublicSigningKey() throws Exception {
        HttpResponse<String> response = get(issuer.jwksUrl());

        assertEquals(200, response.statusCode());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys = (List<Map<String, Object>>) JsonUtil.parseJson(response.body()).get("keys");
        assertEquals(1, keys.size());
        Map<String, Object> key = keys.get(0);
        assertEquals("RSA", key.get("kty"));
        assertEquals("sig", key.get("use"));
        assertEquals("RS256", key.get("alg"));
        assertNotNull(key.get("kid"));
        assertNotNull(key.get("n"));
        for (String privatePart : List.of("d", "p", "q", "dp", "dq", "qi")) {
            assertFalse(key.containsKey(privatePart), "private RSA parameter '" + privatePart + "' leaked");
        }
    }

    @Test
    void passwordGrantIssuesATokenThatVerifiesAgainstTheServedJwks() throws Exception {
        HttpResponse<String> response = postForm(Map.of(
                "grant_type", "password", "username", "alice", "password", "alice"), null);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        Map<String, Object> body = JsonUtil.parseJson(response.body());
        assertEquals("Bearer", body.get("token_type"));
        assertEquals(3600L, ((Number) body.get("expires_in")).longValue());
        String accessToken = (String) body.get("access_token");

        JwtClaims claims = verifier().processToClaims(accessToken);
        assertEquals(issuer.issuer(), claims.getIssuer());
        assertEquals("alice", claims.getSubject());
        assertEquals("alice", claims.getStringClaimValue("preferred_username"));
        assertEquals("Alice Liddell", claims.getStringClaimValue("name"));
        assertTrue(claims.getStringListClaimValue("groups").contains("admin"));
        assertEquals(List.of(DevOidcIssuer.AUDIENCE), claims.getAudience());
        assertNotNull(claims.getJwtId());
        assertEquals(3600, claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue());

        JsonWebSignature jws = (JsonWebSignature) JsonWebSignature.fromCompactSerialization(accessToken);
        assertEquals(AlgorithmIdentifiers.RSA_USING_SHA256, jws.getAlgorithmHeaderValue());
        assertNotNull(jws.getKeyIdHeaderValue());
    }

    @Test
    void clientCredentialsGrantIssuesAServiceToken() throws Exception {
        HttpResponse<String> viaForm = postForm(Map.of("grant_type", "client_credentials",
                "client_id", "service", "client_secret", "service-secret"), null);
        HttpResponse<String> viaBasic = postForm(Map.of("grant_type", "client_credentials"),
                basic("service", "service-secret"));

        for (HttpResponse<String> response : List.of(viaForm, viaBasic)) {
            assertEquals(200, response.statusCode(), response.body());
            JwtClaims claims = verifier().processToClaims(
                    (String) JsonUtil.parseJson(response.body()).get("access_token"));
            assertEquals("service", claims.getSubject());
            assertEquals(List.of("service"), claims.getStringListClaimValue("groups"));
        }
    }

    @Test
    void wrongPasswordIsRefusedWithAnOAuthError() throws Exception {
        HttpResponse<String> response = postForm(Map.of(
                "grant_type", "password", "username", "alice", "password", "bob"), null);

        assertEquals(401, response.statusCode());
        assertEquals("invalid_grant", JsonUtil.parseJson(response.body()).get("error"));
    }

    @Test
    void unknownUserIsRefusedLikeAWrongPassword() throws Exception {
        HttpResponse<String> response = postForm(Map.of(
                "grant_type", "password", "username", "mallory", "password", "mallory"), null);

        assertEquals(401, response.statusCode());
        assertEquals("invalid_grant", JsonUtil.parseJson(response.body()).get("error"));
    }

    @Test
    void wrongClientSecretIsRefused() throws Exception {
        HttpResponse<String> response = postForm(Map.of("grant_type", "client_credentials"),
                basic("service", "guess"));

        assertEquals(401, response.statusCode());
        assertEquals("invalid_client", JsonUtil.parseJson(response.body()).get("error"));
    }

    @Test
    void unknownGrantTypeIsABadRequest() throws Exception {
        HttpResponse<String> response = postForm(Map.of("grant_type", "authorization_code", "code", "x"), null);

        assertEquals(400, response.statusCode());
        Map<String, Object> error = JsonUtil.parseJson(response.body());
        assertEquals("unsupported_grant_type", error.get("error"));
        assertNotNull(error.get("error_description"));
    }

    @Test
    void missingGrantTypeIsABadRequest() throws Exception {
        HttpResponse<String> response = postForm(Map.of("username", "alice"), null);

        assertEquals(400, response.statusCode());
        assertEquals("invalid_request", JsonUtil.parseJson(response.body()).get("error"));
    }

    @Test
    void tokenEndpointOnlyAcceptsPost() throws Exception {
        HttpResponse<String> response = get(issuer.tokenEndpoint());

        assertEquals(405, response.statusCode());
        assertEquals("invalid_request", JsonUtil.parseJson(response.body()).get("error"));
    }

    @Test
    void programmaticTokensVerifyAndHonourTheirLifetime() throws Exception {
        JwtClaims bob = verifier().processToClaims(issuer.token("bob"));
        assertEquals("bob", bob.getSubject());
        assertEquals("Bob Cratchit", bob.getStringClaimValue("name"));

        JwtClaims shortLived = verifier().processToClaims(issuer.token("carol", Duration.ofMinutes(5)));
        assertEquals(300, shortLived.getExpirationTime().getValue() - shortLived.getIssuedAt().getValue());

        JwtClaims stranger = verifier().processToClaims(issuer.token("erin", List.of("auditor"),
                Duration.ofMinutes(1)));
        assertEquals(List.of("auditor"), stranger.getStringListClaimValue("groups"));

        String expired = issuer.token("dave", Duration.ofMinutes(-5));
        InvalidJwtException rejected = assertThrows(InvalidJwtException.class,
                () -> verifier().processToClaims(expired));
        assertTrue(rejected.hasExpired());
    }

    @Test
    void tokensOfAnotherIssuerInstanceDoNotVerify() throws Exception {
        // A restarted issuer has a new key: old tokens must stop working, not silently pass.
        try (DevOidcIssuer other = DevOidcIssuer.start(0)) {
            String foreign = other.token("alice");
            assertThrows(InvalidJwtException.class, () -> verifier().processToClaims(foreign));
        }
    }

    @Test
    void unknownPathsAnswer404() throws Exception {
        assertEquals(404, get("http://localhost:" + issuer.port() + "/realms/other/.well-known/openid-configuration")
                .statusCode());
    }

    // ---- helpers

    private static JwtConsumer verifier() {
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(issuer.jwksUrl())))
                .setExpectedIssuer(issuer.issuer())
                .setExpectedAudience(DevOidcIssuer.AUDIENCE)
                .setRequireExpirationTime()
                .setRequireSubject()
                .build();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postForm(Map<String, String> form, String authorization)
            throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
