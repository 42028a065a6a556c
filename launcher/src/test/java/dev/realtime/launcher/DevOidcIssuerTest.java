package dev.realtime.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

/**
 * What the local stack's users rely on of the development issuer: Keycloak-like discovery under /realms/dev, tokens the
 * services accept (RS256 from the served key set, audience, names and roles), the four demo users and the service
 * client, the login page with Keycloak's field ids, the code flow with PKCE, refresh tokens, and sign-out.
 */
class DevOidcIssuerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final String CLIENT = DevOidcIssuer.DEFAULT_CLIENT_ID;
    private static final String REDIRECT = "http://localhost:8090/auth/callback";

    private static DevOidcIssuer issuer;

    @BeforeAll
    static void start() {
        issuer = DevOidcIssuer.start(0, Duration.ofMinutes(10));
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    @Test
    void discoveryDescribesTheRealmOnLocalhost() throws Exception {
        HttpResponse<String> response = get(issuer.discoveryUrl());

        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> doc = JsonUtil.parseJson(response.body());
        assertEquals("http://localhost:" + issuer.port() + "/realms/dev", issuer.issuer());
        assertEquals(issuer.issuer(), doc.get("issuer"));
        assertEquals(issuer.jwksUrl(), doc.get("jwks_uri"));
        assertEquals(issuer.tokenEndpoint(), doc.get("token_endpoint"));
        assertEquals(issuer.authorizationEndpoint(), doc.get("authorization_endpoint"));
        assertEquals(issuer.endSessionEndpoint(), doc.get("end_session_endpoint"));
    }

    @Test
    void theKeySetIsThisRunsPublicKeyOnly() throws Exception {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys = (List<Map<String, Object>>) JsonUtil.parseJson(get(issuer.jwksUrl()).body())
                .get("keys");
        assertEquals(1, keys.size());
        for (String privatePart : List.of("d", "p", "q", "dp", "dq", "qi")) {
            assertFalse(keys.get(0).containsKey(privatePart), "private RSA parameter '" + privatePart + "' leaked");
        }
        // A key generated at start, not the one bundled in the library's jar: another run's tokens do not verify.
        try (DevOidcIssuer other = DevOidcIssuer.start(0)) {
            assertNotEquals(keys.get(0).get("n"), ((Map<?, ?>) ((List<?>) JsonUtil.parseJson(get(other.jwksUrl())
                    .body()).get("keys")).get(0)).get("n"));
            assertThrows(InvalidJwtException.class, () -> verifier().processToClaims(other.token("alice")));
        }
    }

    @Test
    void eachDemoUserGetsItsNameEmailAndRolesByThePasswordGrant() throws Exception {
        for (DevUser user : DevUser.DEMO_USERS.values()) {
            HttpResponse<String> response = postForm(issuer.tokenEndpoint(), Map.of("grant_type", "password",
                    "client_id", CLIENT, "username", user.username(), "password", user.username()));

            assertEquals(200, response.statusCode(), response.body());
            String token = (String) JsonUtil.parseJson(response.body()).get("access_token");
            JwtClaims claims = verifier().processToClaims(token);
            assertEquals(user.username(), claims.getSubject());
            assertEquals(user.username(), claims.getStringClaimValue("preferred_username"));
            assertEquals(user.displayName(), claims.getStringClaimValue("name"));
            assertEquals(user.email(), claims.getStringClaimValue("email"));
            assertEquals(user.roles(), claims.getStringListClaimValue("groups"));
            assertEquals(CLIENT, claims.getStringClaimValue("azp"));
            assertEquals(600, claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue());
            assertEquals(AlgorithmIdentifiers.RSA_USING_SHA256,
                    ((JsonWebSignature) JsonWebSignature.fromCompactSerialization(token)).getAlgorithmHeaderValue());
        }
    }

    @Test
    void anotherNameSignsInAsAPlainUser() throws Exception {
        HttpResponse<String> response = postForm(issuer.tokenEndpoint(), Map.of("grant_type", "password",
                "client_id", CLIENT, "username", "zoe", "password", "x"));

        assertEquals(200, response.statusCode(), response.body());
        JwtClaims claims = verifier().processToClaims((String) JsonUtil.parseJson(response.body()).get("access_token"));
        assertEquals("zoe", claims.getSubject());
        assertEquals(List.of("user"), claims.getStringListClaimValue("groups"));
    }

    @Test
    void theServiceClientGetsTheServiceAndOperatorRoles() throws Exception {
        JwtClaims claims = clientCredentials(DevOidcIssuer.SERVICE_CLIENT_ID, DevOidcIssuer.SERVICE_CLIENT_SECRET);
        assertEquals("service", claims.getSubject());
        assertEquals(List.of("service", "operator"), claims.getStringListClaimValue("groups"));
        assertEquals(claims.getStringListClaimValue("groups"),
                verifier().processToClaims(issuer.serviceToken()).getStringListClaimValue("groups"));
    }

    @Test
    void theEdgeClientGetsOnlyTheHistoryReaderRole() throws Exception {
        JwtClaims claims = clientCredentials(DevOidcIssuer.EDGE_CLIENT_ID, DevOidcIssuer.EDGE_CLIENT_SECRET);
        assertEquals("realtime-edge", claims.getSubject());
        assertEquals(List.of("history-reader"), claims.getStringListClaimValue("groups"));
    }

    /** The verified claims of the access token the client-credentials grant gives {@code clientId}. */
    private static JwtClaims clientCredentials(String clientId, String secret) throws Exception {
        HttpResponse<String> response = postForm(issuer.tokenEndpoint(), Map.of("grant_type", "client_credentials"),
                "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, response.statusCode(), response.body());
        return verifier().processToClaims((String) JsonUtil.parseJson(response.body()).get("access_token"));
    }

    @Test
    void programmaticTokensCarryTheirRolesAndLifetime() throws Exception {
        JwtClaims bob = verifier().processToClaims(issuer.token("bob", List.of("user", "support"),
                Duration.ofMinutes(2)));
        assertEquals("bob", bob.getSubject());
        assertEquals("Bob Cratchit", bob.getStringClaimValue("name"));
        assertEquals(List.of("user", "support"), bob.getStringListClaimValue("groups"));
        assertEquals(120, bob.getExpirationTime().getValue() - bob.getIssuedAt().getValue());

        JwtClaims stranger = verifier().processToClaims(issuer.token("load-17"));
        assertEquals(List.of("user"), stranger.getStringListClaimValue("groups"));
        assertEquals(600, stranger.getExpirationTime().getValue() - stranger.getIssuedAt().getValue());

        assertThrows(InvalidJwtException.class,
                () -> verifier().processToClaims(issuer.token("alice", Duration.ofMinutes(-5))), "expired");
    }

    @Test
    void theCodeFlowWithPkceSignsInOnTheLoginPageAndRefreshes() throws Exception {
        String verifier = codeVerifier();
        String authorize = issuer.authorizationEndpoint() + "?" + formBody(authParameters(challenge(verifier)));

        HttpResponse<String> page = get(authorize);
        assertEquals(200, page.statusCode(), page.body());
        // Keycloak's field ids: the demo's browser test signs in the same way on either.
        for (String field : List.of("id=\"username\" name=\"username\"", "id=\"password\" name=\"password\"",
                "id=\"kc-login\"")) {
            assertTrue(page.body().contains(field), field);
        }
        for (DevUser user : DevUser.DEMO_USERS.values()) {
            assertTrue(page.body().contains("<code>" + user.username() + "</code> " + user.displayName()),
                    user.username());
        }

        // The form posts back to the authorization request's URL, with the claims its script takes from the page.
        HttpResponse<String> signedIn = postForm(authorize, loginForm(page.body(), "carol"));
        assertEquals(302, signedIn.statusCode(), signedIn.body());
        String location = signedIn.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(REDIRECT + "?"), location);
        Map<String, String> query = query(location);
        assertEquals("st-1", query.get("state"));

        HttpResponse<String> wrongVerifier = postForm(issuer.tokenEndpoint(), exchange(query.get("code"),
                codeVerifier()));
        assertEquals(400, wrongVerifier.statusCode(), wrongVerifier.body());

        String code = signIn("carol", verifier);
        HttpResponse<String> exchanged = postForm(issuer.tokenEndpoint(), exchange(code, verifier));
        assertEquals(200, exchanged.statusCode(), exchanged.body());
        Map<String, Object> tokens = JsonUtil.parseJson(exchanged.body());
        JwtClaims access = verifier().processToClaims((String) tokens.get("access_token"));
        assertEquals("carol", access.getSubject());
        assertEquals("Carol Danvers", access.getStringClaimValue("name"));
        assertEquals(List.of("user", "support"), access.getStringListClaimValue("groups"));
        assertNotNull(tokens.get("id_token"));
        String refreshToken = (String) tokens.get("refresh_token");
        assertNotNull(refreshToken);

        HttpResponse<String> refreshed = postForm(issuer.tokenEndpoint(), Map.of("grant_type", "refresh_token",
                "client_id", CLIENT, "refresh_token", refreshToken));
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        Map<String, Object> renewed = JsonUtil.parseJson(refreshed.body());
        JwtClaims again = verifier().processToClaims((String) renewed.get("access_token"));
        assertEquals("carol", again.getSubject());
        assertEquals(List.of("user", "support"), again.getStringListClaimValue("groups"));
        assertNotEquals(refreshToken, renewed.get("refresh_token"), "refresh tokens rotate");
        HttpResponse<String> reused = postForm(issuer.tokenEndpoint(), Map.of("grant_type", "refresh_token",
                "client_id", CLIENT, "refresh_token", refreshToken));
        assertEquals(400, reused.statusCode(), "a rotated refresh token is spent: " + reused.body());
    }

    @Test
    void signOutReturnsToTheApp() throws Exception {
        HttpResponse<String> response = get(issuer.endSessionEndpoint() + "?client_id=" + CLIENT
                + "&post_logout_redirect_uri=" + enc("http://localhost:8090/"));

        assertEquals(302, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Location").orElse("").startsWith("http://localhost:8090/"));
    }

    @Test
    void aBusyPortIsAClearError() {
        LocalStackException busy = assertThrows(LocalStackException.class, () -> DevOidcIssuer.start(issuer.port()));
        assertTrue(busy.getMessage().contains("STACK_ISSUER_PORT"), busy.getMessage());
    }

    // ---- helpers

    private static String signIn(String user, String verifier) throws Exception {
        String authorize = issuer.authorizationEndpoint() + "?" + formBody(authParameters(challenge(verifier)));
        HttpResponse<String> response = postForm(authorize, loginForm(get(authorize).body(), user));
        assertEquals(302, response.statusCode(), response.body());
        return query(response.headers().firstValue("Location").orElseThrow()).get("code");
    }

    /** What the login page's script posts for a demo user: the name, any password, and the user's claims. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> loginForm(String page, String user) throws Exception {
        Matcher users = Pattern.compile("const demoUsers = (\\{.*?\\});\\n").matcher(page);
        assertTrue(users.find(), "the login page carries the demo users' claims");
        Map<String, Object> claims = new LinkedHashMap<>((Map<String, Object>) JsonUtil.parseJson(users.group(1))
                .get(user));
        claims.put("azp", CLIENT);
        return Map.of("username", user, "password", user, "claims", JsonUtil.toJson(claims));
    }

    private static Map<String, String> exchange(String code, String verifier) {
        return Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT, "client_id", CLIENT,
                "code_verifier", verifier);
    }

    private static Map<String, String> authParameters(String challenge) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", CLIENT);
        p.put("redirect_uri", REDIRECT);
        p.put("scope", "openid profile email");
        p.put("code_challenge", challenge);
        p.put("code_challenge_method", "S256");
        p.put("state", "st-1");
        p.put("nonce", "n-1");
        return p;
    }

    private static String codeVerifier() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    }

    private static Map<String, String> query(String url) {
        Map<String, String> query = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return query;
    }

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
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postForm(String url, Map<String, String> form)
            throws IOException, InterruptedException {
        return postForm(url, form, null);
    }

    private static HttpResponse<String> postForm(String url, Map<String, String> form, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String formBody(Map<String, String> form) {
        return form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
