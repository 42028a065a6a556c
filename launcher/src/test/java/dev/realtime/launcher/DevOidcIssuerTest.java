package dev.realtime.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            assertEquals(List.of("service", "operator"), claims.getStringListClaimValue("groups"));
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
        HttpResponse<String> response = postForm(Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "device_code", "x"), null);

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

    // ---- authorization code flow with PKCE, refresh tokens, logout, CORS

    private static final String CLIENT = "realtime-web";
    private static final String REDIRECT = "http://localhost:8090/callback";

    @Test
    void discoveryAnnouncesTheCodeFlowWithPkceAndRefreshTokens() throws Exception {
        Map<String, Object> doc = JsonUtil.parseJson(get(issuer.discoveryUrl()).body());

        String base = "http://localhost:" + issuer.port() + "/realms/dev/protocol/openid-connect";
        assertEquals(base + "/auth", doc.get("authorization_endpoint"));
        assertEquals(base + "/logout", doc.get("end_session_endpoint"));
        assertEquals(List.of("S256"), doc.get("code_challenge_methods_supported"));
        assertEquals(List.of("code"), doc.get("response_types_supported"));
        @SuppressWarnings("unchecked")
        List<String> grants = (List<String>) doc.get("grant_types_supported");
        assertTrue(grants.containsAll(List.of("authorization_code", "refresh_token", "password",
                "client_credentials")), grants.toString());
    }

    @Test
    void theCodeFlowWithPkceSignsInAndIssuesVerifiableTokens() throws Exception {
        String verifier = codeVerifier();
        String state = "st-" + verifier.substring(0, 8);
        HttpResponse<String> page = get(authUrl(authParameters(challenge(verifier), state, "n-0S6")));

        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<title>Sign in (development issuer)</title>"), page.body());
        assertTrue(page.body().contains("id=\"username\" name=\"username\""), page.body());
        assertTrue(page.body().contains("id=\"password\" name=\"password\" type=\"password\""), page.body());
        assertTrue(page.body().contains("id=\"kc-login\""), page.body());
        assertTrue(page.body().toLowerCase().contains("development-only"), page.body());
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            assertTrue(page.body().contains("<code>" + user + "</code>"), user);
        }
        Map<String, String> hidden = hiddenFields(page.body());
        assertEquals(state, hidden.get("state"));
        assertEquals(REDIRECT, hidden.get("redirect_uri"));

        hidden.put("username", "alice");
        hidden.put("password", "alice");
        HttpResponse<String> signedIn = postForm(issuer.authorizationEndpoint(), hidden, null);

        assertEquals(302, signedIn.statusCode(), signedIn.body());
        String location = signedIn.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(REDIRECT + "?code="), location);
        Map<String, String> query = query(location);
        assertEquals(state, query.get("state"));

        HttpResponse<String> exchanged = exchange(query.get("code"), verifier, REDIRECT, CLIENT);

        assertEquals(200, exchanged.statusCode(), exchanged.body());
        assertEquals("no-store", exchanged.headers().firstValue("Cache-Control").orElse(""));
        Map<String, Object> body = JsonUtil.parseJson(exchanged.body());
        assertEquals("Bearer", body.get("token_type"));
        assertEquals(3600L, ((Number) body.get("expires_in")).longValue());
        assertEquals(8 * 3600L, ((Number) body.get("refresh_expires_in")).longValue());
        assertTrue(((String) body.get("scope")).contains("openid"));
        assertTrue(((String) body.get("refresh_token")).length() >= 32);
        JwtClaims access = verifier().processToClaims((String) body.get("access_token"));
        assertEquals("alice", access.getSubject());
        assertEquals(CLIENT, access.getStringClaimValue("azp"));
        assertTrue(access.getStringListClaimValue("groups").contains("admin"));

        JwtClaims id = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(new HttpsJwks(issuer.jwksUrl())))
                .setExpectedIssuer(issuer.issuer())
                .setExpectedAudience(CLIENT)
                .setRequireExpirationTime()
                .build()
                .processToClaims((String) body.get("id_token"));
        assertEquals("alice", id.getSubject());
        assertEquals("alice", id.getStringClaimValue("preferred_username"));
        assertEquals("Alice Liddell", id.getStringClaimValue("name"));
        assertEquals("n-0S6", id.getStringClaimValue("nonce"));
    }

    @Test
    void aCodeWorksOnceAndOnlyWithItsVerifierRedirectUriAndClient() throws Exception {
        String verifier = codeVerifier();

        String reused = signIn("bob", challenge(verifier), REDIRECT);
        assertEquals(200, exchange(reused, verifier, REDIRECT, CLIENT).statusCode());
        assertInvalidGrant(exchange(reused, verifier, REDIRECT, CLIENT));

        String wrongVerifier = signIn("bob", challenge(verifier), REDIRECT);
        assertInvalidGrant(exchange(wrongVerifier, codeVerifier(), REDIRECT, CLIENT));
        // The failed attempt used the code up: the right verifier comes too late.
        assertInvalidGrant(exchange(wrongVerifier, verifier, REDIRECT, CLIENT));

        assertInvalidGrant(exchange(signIn("bob", challenge(verifier), REDIRECT), verifier,
                "http://localhost:8090/other", CLIENT));
        assertInvalidGrant(exchange(signIn("bob", challenge(verifier), REDIRECT), verifier, REDIRECT, "other"));
        assertInvalidGrant(exchange(signIn("bob", challenge(verifier), REDIRECT), null, REDIRECT, CLIENT));
        assertInvalidGrant(exchange("never-issued", verifier, REDIRECT, CLIENT));
    }

    @Test
    void aRedirectUriWithAQueryGetsTheCodeAppended() throws Exception {
        String verifier = codeVerifier();
        Map<String, String> form = authParameters(challenge(verifier), "s", null);
        form.put("redirect_uri", "http://127.0.0.1:5173/app?tab=chat");
        form.put("username", "carol");
        form.put("password", "carol");

        HttpResponse<String> response = postForm(issuer.authorizationEndpoint(), form, null);

        assertEquals(302, response.statusCode(), response.body());
        String location = response.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("http://127.0.0.1:5173/app?tab=chat&code="), location);
        assertTrue(location.endsWith("&state=s"), location);
    }

    @Test
    void badAuthorizationRequestsAreRefusedWithoutRedirect() throws Exception {
        String challenge = challenge(codeVerifier());
        List<Map<String, String>> bad = new java.util.ArrayList<>();
        for (String redirect : List.of("http://evil.example.test/callback", "https://localhost:8090/callback",
                "http://localhost.evil.example.test/cb", "http://localhost@evil.example.test/cb",
                "http://localhost:8090/cb#fragment", "javascript:alert(1)", "/relative")) {
            Map<String, String> p = authParameters(challenge, "s", null);
            p.put("redirect_uri", redirect);
            bad.add(p);
        }
        Map<String, String> noRedirect = authParameters(challenge, "s", null);
        noRedirect.remove("redirect_uri");
        bad.add(noRedirect);
        Map<String, String> noClient = authParameters(challenge, "s", null);
        noClient.remove("client_id");
        bad.add(noClient);
        Map<String, String> implicit = authParameters(challenge, "s", null);
        implicit.put("response_type", "token");
        bad.add(implicit);
        Map<String, String> noPkce = authParameters(challenge, "s", null);
        noPkce.remove("code_challenge");
        noPkce.remove("code_challenge_method");
        bad.add(noPkce);
        Map<String, String> plain = authParameters(challenge, "s", null);
        plain.put("code_challenge_method", "plain");
        bad.add(plain);
        Map<String, String> shortChallenge = authParameters("abc", "s", null);
        bad.add(shortChallenge);

        for (Map<String, String> parameters : bad) {
            HttpResponse<String> response = get(authUrl(parameters));
            assertEquals(400, response.statusCode(), parameters.toString());
            assertTrue(response.headers().firstValue("Location").isEmpty(), parameters.toString());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));

            // The login form's POST checks the same (its hidden fields can be edited).
            Map<String, String> form = new HashMap<>(parameters);
            form.put("username", "alice");
            form.put("password", "alice");
            HttpResponse<String> posted = postForm(issuer.authorizationEndpoint(), form, null);
            assertEquals(400, posted.statusCode(), parameters.toString());
            assertTrue(posted.headers().firstValue("Location").isEmpty(), parameters.toString());
        }
    }

    @Test
    void aWrongPasswordShowsTheFormAgainWithTheUsernameKept() throws Exception {
        Map<String, String> form = authParameters(challenge(codeVerifier()), "s", null);
        form.put("username", "dave");
        form.put("password", "alice");

        HttpResponse<String> response = postForm(issuer.authorizationEndpoint(), form, null);

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Location").isEmpty());
        assertTrue(response.body().contains("Invalid username or password."), response.body());
        assertTrue(response.body().contains("id=\"username\" name=\"username\""), response.body());
        assertTrue(response.body().contains("value=\"dave\""), response.body());
        assertEquals("s", hiddenFields(response.body()).get("state"));
    }

    @Test
    void whatTheLoginPageEchoesIsEscaped() throws Exception {
        String hostile = "\"><script>alert(1)</script>";
        HttpResponse<String> page = get(authUrl(authParameters(challenge(codeVerifier()), hostile, null)));

        assertEquals(200, page.statusCode());
        assertFalse(page.body().contains("<script>"), page.body());
        assertTrue(page.body().contains("&quot;&gt;&lt;script&gt;"), page.body());
        assertEquals(hostile, hiddenFields(page.body()).get("state"));
    }

    @Test
    void aRefreshRotatesTheRefreshToken() throws Exception {
        issuer.rotationGrace(Duration.ZERO);
        try {
            rotatesStrictly();
        } finally {
            issuer.rotationGrace(DevOidcIssuer.ROTATION_GRACE);
        }
    }

    /**
     * A refresh whose answer was lost (the page navigated away mid-request) can be repeated with the same token: the
     * demo once lost its session that way on a busy machine.
     */
    @Test
    void aUsedRefreshTokenStillWorksWithinTheGrace() throws Exception {
        issuer.rotationGrace(Duration.ofMinutes(10));
        try {
            String verifier = codeVerifier();
            String refresh1 = (String) JsonUtil.parseJson(
                    exchange(signIn("carol", challenge(verifier), REDIRECT), verifier, REDIRECT, CLIENT).body())
                    .get("refresh_token");
            HttpResponse<String> first = postForm(Map.of("grant_type", "refresh_token", "refresh_token", refresh1,
                    "client_id", CLIENT), null);
            assertEquals(200, first.statusCode(), first.body());

            HttpResponse<String> again = postForm(Map.of("grant_type", "refresh_token", "refresh_token", refresh1,
                    "client_id", CLIENT), null);

            assertEquals(200, again.statusCode(), again.body());
            String refresh3 = (String) JsonUtil.parseJson(again.body()).get("refresh_token");
            assertEquals(200, postForm(Map.of("grant_type", "refresh_token", "refresh_token", refresh3,
                    "client_id", CLIENT), null).statusCode());
            String refresh2 = (String) JsonUtil.parseJson(first.body()).get("refresh_token");
            assertEquals(200, postForm(Map.of("grant_type", "refresh_token", "refresh_token", refresh2,
                    "client_id", CLIENT), null).statusCode(), "the answer that was lost is still good too");
        } finally {
            issuer.rotationGrace(DevOidcIssuer.ROTATION_GRACE);
        }
    }

    private void rotatesStrictly() throws Exception {
        String verifier = codeVerifier();
        Map<String, Object> first = JsonUtil.parseJson(
                exchange(signIn("carol", challenge(verifier), REDIRECT), verifier, REDIRECT, CLIENT).body());
        String refresh1 = (String) first.get("refresh_token");

        HttpResponse<String> refreshed = postForm(Map.of("grant_type", "refresh_token", "refresh_token", refresh1,
                "client_id", CLIENT), null);

        assertEquals(200, refreshed.statusCode(), refreshed.body());
        Map<String, Object> second = JsonUtil.parseJson(refreshed.body());
        String refresh2 = (String) second.get("refresh_token");
        assertNotNull(refresh2);
        assertFalse(refresh2.equals(refresh1));
        assertEquals("carol", verifier().processToClaims((String) second.get("access_token")).getSubject());

        assertInvalidGrant(postForm(Map.of("grant_type", "refresh_token", "refresh_token", refresh1,
                "client_id", CLIENT), null));
        // Another client cannot use it, and that attempt does not spend it.
        assertInvalidGrant(postForm(Map.of("grant_type", "refresh_token", "refresh_token", refresh2,
                "client_id", "other"), null));
        assertEquals(200, postForm(Map.of("grant_type", "refresh_token", "refresh_token", refresh2,
                "client_id", CLIENT), null).statusCode());
        assertInvalidGrant(postForm(Map.of("grant_type", "refresh_token", "refresh_token", "made-up"), null));
    }

    @Test
    void thePasswordGrantAlsoGivesARefreshToken() throws Exception {
        Map<String, Object> body = JsonUtil.parseJson(postForm(Map.of(
                "grant_type", "password", "username", "bob", "password", "bob"), null).body());

        HttpResponse<String> refreshed = postForm(Map.of("grant_type", "refresh_token",
                "refresh_token", (String) body.get("refresh_token")), null);

        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals("bob", verifier().processToClaims(
                (String) JsonUtil.parseJson(refreshed.body()).get("access_token")).getSubject());
    }

    @Test
    void logoutRedirectsOnlyToLoopbackUrls() throws Exception {
        HttpResponse<String> back = get(issuer.endSessionEndpoint() + "?client_id=" + CLIENT
                + "&post_logout_redirect_uri=" + enc("http://localhost:8090/"));
        assertEquals(302, back.statusCode());
        assertEquals("http://localhost:8090/", back.headers().firstValue("Location").orElse(""));

        HttpResponse<String> elsewhere = get(issuer.endSessionEndpoint() + "?client_id=" + CLIENT
                + "&post_logout_redirect_uri=" + enc("http://evil.example.test/"));
        assertEquals(200, elsewhere.statusCode());
        assertTrue(elsewhere.headers().firstValue("Location").isEmpty());
        assertTrue(elsewhere.body().contains("Signed out"), elsewhere.body());
    }

    @Test
    void browsersOnALoopbackOriginGetCorsHeadersAndOthersDoNot() throws Exception {
        for (String origin : List.of("http://localhost:8090", "http://127.0.0.1:5173", "http://localhost")) {
            HttpResponse<String> discovery = HTTP.send(HttpRequest.newBuilder(URI.create(issuer.discoveryUrl()))
                    .header("Origin", origin).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, discovery.statusCode());
            assertEquals(origin, discovery.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertTrue(discovery.headers().allValues("Vary").contains("Origin"));

            HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint()))
                    .header("Origin", origin)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type,authorization")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(204, preflight.statusCode());
            assertEquals(origin, preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            assertEquals("GET, POST", preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(""));
            assertEquals("Content-Type, Authorization",
                    preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(""));

            HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint()))
                    .header("Origin", origin)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=bob&password=bob"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, token.statusCode());
            assertEquals(origin, token.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        }

        for (String origin : List.of("http://evil.example.test", "https://localhost:8090",
                "http://localhost.evil.example.test", "null")) {
            HttpResponse<String> discovery = HTTP.send(HttpRequest.newBuilder(URI.create(issuer.discoveryUrl()))
                    .header("Origin", origin).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, discovery.statusCode());
            assertTrue(discovery.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), origin);

            HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint()))
                    .header("Origin", origin)
                    .header("Access-Control-Request-Method", "POST")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertFalse(preflight.statusCode() == 204, origin);
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), origin);
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").isEmpty(), origin);
        }
    }

    // ---- helpers

    /** Signs {@code user} in through the login form and returns the code of the redirect. */
    private static String signIn(String user, String challenge, String redirectUri) throws Exception {
        Map<String, String> form = authParameters(challenge, "state-1", null);
        form.put("redirect_uri", redirectUri);
        form.put("username", user);
        form.put("password", user);
        HttpResponse<String> response = postForm(issuer.authorizationEndpoint(), form, null);
        assertEquals(302, response.statusCode(), response.body());
        return query(response.headers().firstValue("Location").orElseThrow()).get("code");
    }

    private static HttpResponse<String> exchange(String code, String verifier, String redirectUri, String clientId)
            throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("client_id", clientId);
        if (verifier != null) {
            form.put("code_verifier", verifier);
        }
        return postForm(form, null);
    }

    private static void assertInvalidGrant(HttpResponse<String> response) throws Exception {
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_grant", JsonUtil.parseJson(response.body()).get("error"));
    }

    private static Map<String, String> authParameters(String challenge, String state, String nonce) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", CLIENT);
        p.put("redirect_uri", REDIRECT);
        p.put("scope", "openid profile email");
        p.put("code_challenge", challenge);
        p.put("code_challenge_method", "S256");
        if (state != null) {
            p.put("state", state);
        }
        if (nonce != null) {
            p.put("nonce", nonce);
        }
        return p;
    }

    private static String authUrl(Map<String, String> parameters) {
        return issuer.authorizationEndpoint() + "?" + formBody(parameters);
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

    /** The hidden inputs of the login form, unescaped. */
    private static Map<String, String> hiddenFields(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher input = Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">").matcher(html);
        while (input.find()) {
            fields.put(unescape(input.group(1)), unescape(input.group(2)));
        }
        return fields;
    }

    private static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private static Map<String, String> query(String url) {
        Map<String, String> query = new HashMap<>();
        String raw = URI.create(url).getRawQuery();
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return query;
    }

    private static String formBody(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
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
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postForm(Map<String, String> form, String authorization)
            throws IOException, InterruptedException {
        return postForm(issuer.tokenEndpoint(), form, authorization);
    }

    private static HttpResponse<String> postForm(String url, Map<String, String> form, String authorization)
            throws IOException, InterruptedException {
        String body = formBody(form);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
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
