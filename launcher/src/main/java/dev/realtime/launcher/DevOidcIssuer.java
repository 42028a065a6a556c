package dev.realtime.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey.OutputControlLevel;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jwk.Use;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A minimal OpenID Connect provider <strong>for local development only</strong>.
 * <p>
 * It mimics the parts of a Keycloak realm that the services and the demo client use: discovery, JWKS, the
 * authorization endpoint with a login page (authorization code flow, PKCE with S256 mandatory, redirect URIs on
 * {@code localhost} or {@code 127.0.0.1} only), the token endpoint (authorization code, refresh token, password and
 * client-credentials grants), and an end-session endpoint, so a service validates its tokens exactly as it would
 * validate Keycloak's ({@code quarkus.oidc.auth-server-url=<issuer()>}) and a browser app signs in the same way
 * against either. Browsers on a loopback origin get CORS headers. The passwords are public (password = user name);
 * the signing key, the codes and the refresh tokens live only in memory, so a restart invalidates every token. It
 * keeps no login session: every sign-in shows the form. It listens on the loopback interface only: nobody else on the
 * network can mint tokens. Never point a deployed service at it.
 */
public final class DevOidcIssuer implements AutoCloseable {

    public static final String REALM_PATH = "/realms/dev";
    public static final String DISCOVERY_PATH = REALM_PATH + "/.well-known/openid-configuration";
    public static final String JWKS_PATH = REALM_PATH + "/protocol/openid-connect/certs";
    public static final String TOKEN_PATH = REALM_PATH + "/protocol/openid-connect/token";
    public static final String AUTH_PATH = REALM_PATH + "/protocol/openid-connect/auth";
    public static final String LOGOUT_PATH = REALM_PATH + "/protocol/openid-connect/logout";

    /** How long an authorization code can be exchanged (once). */
    public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    /** How long a refresh token works (each refresh returns a new one; the old one stops working soon after). */
    public static final Duration REFRESH_LIFETIME = Duration.ofHours(8);
    /**
     * How long a refresh token still works after it was used (the "reuse interval" of common providers; Keycloak by
     * default does not revoke used ones at all): a refresh whose answer was lost, because the page navigated away or
     * the connection dropped, can be repeated instead of ending the session.
     */
    public static final Duration ROTATION_GRACE = Duration.ofSeconds(30);

    /** The {@code aud} of every token; services may require it with {@code quarkus.oidc.token.audience}. */
    public static final String AUDIENCE = "realtime";
    /** {@code azp} of password-grant tokens when the caller names no client. */
    public static final String DEFAULT_CLIENT_ID = "realtime-web";
    public static final String SERVICE_CLIENT_ID = "service";
    /** Public on purpose, like the demo passwords: this issuer protects nothing real. */
    public static final String SERVICE_CLIENT_SECRET = "service-secret";

    private static final Logger LOG = LoggerFactory.getLogger(DevOidcIssuer.class);
    private static final int MAX_FORM_BYTES = 64 * 1024;
    private static final String DEFAULT_SCOPE = "openid profile email";
    /** {@code http://localhost[:port]} or {@code http://127.0.0.1[:port]}: browser apps on this machine. */
    private static final Pattern LOOPBACK_ORIGIN = Pattern.compile("http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?");
    /** RFC 7636: BASE64URL(SHA-256(verifier)) without padding is 43 characters. */
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** RFC 7636 4.1: 43 to 128 unreserved characters. */
    private static final Pattern CODE_VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final ExecutorService executor;
    private final RsaJsonWebKey signingKey;
    private final Duration defaultLifetime;
    private final String issuer;
    /** Authorization codes not yet exchanged, by code; each is removed at its first exchange attempt. */
    private final Map<String, AuthorizationCode> codes = new ConcurrentHashMap<>();
    /** Refresh tokens (opaque random strings) that still work, by token. */
    private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();
    private volatile Duration rotationGrace = ROTATION_GRACE;

    private record AuthorizationCode(DevUser user, String clientId, String redirectUri, String codeChallenge,
            String nonce, String scope, Instant expiresAt) {
    }

    private record RefreshGrant(DevUser user, String clientId, String scope, Instant expiresAt) {
    }

    private DevOidcIssuer(HttpServer server, ExecutorService executor, RsaJsonWebKey signingKey,
            Duration defaultLifetime) {
        this.server = server;
        this.executor = executor;
        this.signingKey = signingKey;
        this.defaultLifetime = defaultLifetime;
        this.issuer = "http://localhost:" + server.getAddress().getPort() + REALM_PATH;
    }

    /** How long a used refresh token keeps working (tests: zero for strict rotation). */
    DevOidcIssuer rotationGrace(Duration grace) {
        this.rotationGrace = grace;
        return this;
    }

    /** Starts on {@code port} (0 = any free port) with 1-hour tokens. */
    public static DevOidcIssuer start(int port) {
        return start(port, StackConfig.DEFAULT_TOKEN_LIFETIME);
    }

    public static DevOidcIssuer start(int port, Duration defaultLifetime) {
        RsaJsonWebKey key = generateKey();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("dev OIDC issuer cannot listen on port " + port
                    + " (is another local stack running?)", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, daemonThreads("dev-oidc-issuer"));
        server.setExecutor(executor);
        DevOidcIssuer devIssuer = new DevOidcIssuer(server, executor, key, defaultLifetime);
        server.createContext("/", devIssuer::handle);
        server.start();
        LOG.warn("DEVELOPMENT-ONLY OIDC issuer started: issuer={} users={} (password = user name); never use it"
                + " outside a developer machine", devIssuer.issuer, String.join(",", DevUser.DEMO_USERS.keySet()
                        .stream().sorted().toList()));
        return devIssuer;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The issuer URL, i.e. the value of {@code quarkus.oidc.auth-server-url} and of every token's {@code iss}. */
    public String issuer() {
        return issuer;
    }

    public String discoveryUrl() {
        return issuer + "/.well-known/openid-configuration";
    }

    public String jwksUrl() {
        return "http://localhost:" + port() + JWKS_PATH;
    }

    public String tokenEndpoint() {
        return "http://localhost:" + port() + TOKEN_PATH;
    }

    public String authorizationEndpoint() {
        return "http://localhost:" + port() + AUTH_PATH;
    }

    public String endSessionEndpoint() {
        return "http://localhost:" + port() + LOGOUT_PATH;
    }

    /** A signed access token for {@code user} with the default lifetime (for tests). */
    public String token(String user) {
        return token(user, defaultLifetime);
    }

    /**
     * A signed access token for {@code user}. A demo user gets its name and roles; any other name is accepted (tests
     * need strangers) and gets the role {@code user}. A negative lifetime gives an already expired token.
     */
    public String token(String user, Duration lifetime) {
        DevUser identity = DevUser.demoUser(user)
                .orElseGet(() -> new DevUser(user, user, null, List.of("user")));
        return sign(identity, DEFAULT_CLIENT_ID, lifetime);
    }

    /** A token for any subject with exactly the given roles (for tests of role rooms and authorization). */
    public String token(String subject, List<String> roles, Duration lifetime) {
        DevUser identity = DevUser.demoUser(subject)
                .map(u -> new DevUser(u.username(), u.displayName(), u.email(), roles))
                .orElseGet(() -> new DevUser(subject, subject, null, roles));
        return sign(identity, DEFAULT_CLIENT_ID, lifetime);
    }

    /** What the client-credentials grant of {@code client_id=service} returns. */
    public String serviceToken() {
        return sign(DevUser.SERVICE, SERVICE_CLIENT_ID, defaultLifetime);
    }

    /** The public JSON Web Key Set served at {@link #jwksUrl()}. */
    public String jwks() {
        return new JsonWebKeySet(signingKey).toJson(OutputControlLevel.PUBLIC_ONLY);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (allowCors(exchange) && "OPTIONS".equals(method)) {
                // A preflight from a browser app on this machine (the token endpoint with an Authorization header).
                exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST");
                exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type, Authorization");
                exchange.getResponseHeaders().set("Access-Control-Max-Age", "600");
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            switch (path) {
                case DISCOVERY_PATH -> {
                    if (requireMethod(exchange, method, "GET")) {
                        sendJson(exchange, 200, JsonUtil.toJson(discoveryDocument()));
                    }
                }
                case JWKS_PATH -> {
                    if (requireMethod(exchange, method, "GET")) {
                        sendJson(exchange, 200, jwks());
                    }
                }
                case TOKEN_PATH -> {
                    if (requireMethod(exchange, method, "POST")) {
                        handleTokenRequest(exchange);
                    }
                }
                case AUTH_PATH -> {
                    if ("GET".equals(method)) {
                        authorizationRequest(exchange, queryParameters(exchange));
                    } else if ("POST".equals(method)) {
                        loginFormPost(exchange, readForm(exchange));
                    } else {
                        exchange.getResponseHeaders().set("Allow", "GET, POST");
                        sendHtml(exchange, 405, errorPage("Method not allowed", "Use GET or POST."));
                    }
                }
                case LOGOUT_PATH -> {
                    if ("GET".equals(method)) {
                        logout(exchange, queryParameters(exchange));
                    } else if ("POST".equals(method)) {
                        logout(exchange, readForm(exchange));
                    } else {
                        exchange.getResponseHeaders().set("Allow", "GET, POST");
                        sendHtml(exchange, 405, errorPage("Method not allowed", "Use GET or POST."));
                    }
                }
                default -> sendError(exchange, 404, "not_found", "No such endpoint on the dev issuer");
            }
        } catch (RuntimeException e) {
            LOG.error("dev issuer failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
            if (exchange.getResponseCode() == -1) {
                sendError(exchange, 500, "server_error", "Unexpected error in the dev issuer");
            }
        } finally {
            exchange.close();
        }
    }

    private Map<String, Object> discoveryDocument() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("jwks_uri", jwksUrl());
        doc.put("authorization_endpoint", authorizationEndpoint());
        doc.put("token_endpoint", tokenEndpoint());
        doc.put("end_session_endpoint", endSessionEndpoint());
        doc.put("grant_types_supported", List.of("authorization_code", "refresh_token", "password",
                "client_credentials"));
        doc.put("response_types_supported", List.of("code"));
        doc.put("response_modes_supported", List.of("query"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of(AlgorithmIdentifiers.RSA_USING_SHA256));
        doc.put("token_endpoint_auth_methods_supported", List.of("none", "client_secret_basic",
                "client_secret_post"));
        doc.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "jti", "preferred_username", "name",
                "email", "groups", "nonce"));
        doc.put("scopes_supported", List.of("openid", "profile", "email"));
        // Not a standard field: a human reading the document should know what this is.
        doc.put("dev_only", true);
        doc.put("dev_only_notice", "Local development issuer: its demo passwords are public."
                + " Never trust its tokens outside a developer machine.");
        return doc;
    }

    private void handleTokenRequest(HttpExchange exchange) throws IOException {
        Map<String, String> form = readForm(exchange);
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isBlank()) {
            sendError(exchange, 400, "invalid_request", "Missing form parameter: grant_type");
            return;
        }
        switch (grantType) {
            case "password" -> passwordGrant(exchange, form);
            case "client_credentials" -> clientCredentialsGrant(exchange, form);
            case "authorization_code" -> authorizationCodeGrant(exchange, form);
            case "refresh_token" -> refreshTokenGrant(exchange, form);
            default -> sendError(exchange, 400, "unsupported_grant_type", "Unsupported grant_type");
        }
    }

    private void passwordGrant(HttpExchange exchange, Map<String, String> form) throws IOException {
        String username = form.get("username");
        String password = form.get("password");
        if (username == null || password == null) {
            sendError(exchange, 400, "invalid_request", "Missing form parameter: username or password");
            return;
        }
        Optional<DevUser> user = DevUser.demoUser(username);
        // The password of a demo user is its user name.
        if (user.isEmpty() || !constantTimeEquals(password, username)) {
            LOG.info("dev issuer refused a password grant for user={}", username);
            sendError(exchange, 401, "invalid_grant", "Invalid user credentials");
            return;
        }
        String clientId = clientCredentials(exchange, form).map(c -> c[0]).orElse(DEFAULT_CLIENT_ID);
        Map<String, Object> body = tokenBody(sign(user.get(), clientId, defaultLifetime));
        addRefreshToken(body, user.get(), clientId, DEFAULT_SCOPE);
        sendTokenBody(exchange, body, "password", user.get().username());
    }

    private void clientCredentialsGrant(HttpExchange exchange, Map<String, String> form) throws IOException {
        Optional<String[]> client = clientCredentials(exchange, form);
        boolean valid = client.isPresent()
                && SERVICE_CLIENT_ID.equals(client.get()[0])
                && constantTimeEquals(client.get()[1], SERVICE_CLIENT_SECRET);
        if (!valid) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"dev\"");
            sendError(exchange, 401, "invalid_client", "Invalid client or Invalid client credentials");
            return;
        }
        sendTokenBody(exchange, tokenBody(serviceToken()), "client_credentials", DevUser.SERVICE.username());
    }

    /** {@code [client_id, client_secret]} from HTTP Basic or from the form (client_secret may be empty). */
    private static Optional<String[]> clientCredentials(HttpExchange exchange, Map<String, String> form) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                String[] parts = decoded.split(":", 2);
                // RFC 6749 2.3.1: both parts are form-urlencoded before Base64.
                return Optional.of(new String[] { decode(parts[0]), parts.length > 1 ? decode(parts[1]) : "" });
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        String id = form.get("client_id");
        return id == null ? Optional.empty()
                : Optional.of(new String[] { id, form.getOrDefault("client_secret", "") });
    }

    /** A token response without refresh token (the client-credentials grant's). */
    private Map<String, Object> tokenBody(String accessToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        body.put("expires_in", defaultLifetime.toSeconds());
        body.put("refresh_expires_in", 0);
        body.put("token_type", "Bearer");
        body.put("not-before-policy", 0);
        body.put("scope", DEFAULT_SCOPE);
        return body;
    }

    private void addRefreshToken(Map<String, Object> body, DevUser user, String clientId, String scope) {
        String refreshToken = randomToken();
        Instant now = Instant.now();
        refreshTokens.values().removeIf(grant -> grant.expiresAt().isBefore(now));
        refreshTokens.put(refreshToken, new RefreshGrant(user, clientId, scope, now.plus(REFRESH_LIFETIME)));
        body.put("refresh_token", refreshToken);
        body.put("refresh_expires_in", REFRESH_LIFETIME.toSeconds());
    }

    private void sendTokenBody(HttpExchange exchange, Map<String, Object> body, String grant, String subject)
            throws IOException {
        // Tokens, codes and refresh tokens are never logged.
        LOG.debug("dev issuer issued a token grant={} sub={}", grant, subject);
        sendJson(exchange, 200, JsonUtil.toJson(body));
    }

    /**
     * {@code grant_type=authorization_code}: the code of {@link #AUTH_PATH} with the same {@code redirect_uri} and
     * {@code client_id}, and the PKCE {@code code_verifier} whose S256 hash is the request's challenge. A code works
     * once: the first attempt removes it, right or wrong.
     */
    private void authorizationCodeGrant(HttpExchange exchange, Map<String, String> form) throws IOException {
        String code = form.get("code");
        if (code == null || code.isEmpty()) {
            sendError(exchange, 400, "invalid_request", "Missing form parameter: code");
            return;
        }
        AuthorizationCode granted = codes.remove(code);
        String clientId = clientCredentials(exchange, form).map(c -> c[0]).orElse(null);
        String verifier = form.get("code_verifier");
        String refusal = null;
        if (granted == null) {
            refusal = "unknown or already used code";
        } else if (granted.expiresAt().isBefore(Instant.now())) {
            refusal = "expired code";
        } else if (!granted.clientId().equals(clientId)) {
            refusal = "client_id does not match the authorization request";
        } else if (!granted.redirectUri().equals(form.get("redirect_uri"))) {
            refusal = "redirect_uri does not match the authorization request";
        } else if (verifier == null || !CODE_VERIFIER.matcher(verifier).matches()
                || !constantTimeEquals(s256(verifier), granted.codeChallenge())) {
            refusal = "code_verifier does not match the code_challenge";
        }
        if (refusal != null) {
            LOG.info("dev issuer refused an authorization code: {}", refusal);
            sendError(exchange, 400, "invalid_grant", "Code not valid: " + refusal);
            return;
        }
        DevUser user = granted.user();
        Map<String, Object> body = tokenBody(sign(user, clientId, defaultLifetime));
        body.put("scope", granted.scope());
        addRefreshToken(body, user, clientId, granted.scope());
        body.put("id_token", idToken(user, clientId, granted.nonce()));
        sendTokenBody(exchange, body, "authorization_code", user.username());
    }

    /**
     * {@code grant_type=refresh_token}: a new access token and a new refresh token; the presented one stops working
     * {@link #ROTATION_GRACE} later (rotation). {@code client_id}, when given, must be the one the refresh token was
     * issued to.
     */
    private void refreshTokenGrant(HttpExchange exchange, Map<String, String> form) throws IOException {
        String token = form.get("refresh_token");
        if (token == null || token.isEmpty()) {
            sendError(exchange, 400, "invalid_request", "Missing form parameter: refresh_token");
            return;
        }
        RefreshGrant grant = refreshTokens.get(token);
        Optional<String> clientId = clientCredentials(exchange, form).map(c -> c[0]);
        Instant now = Instant.now();
        boolean valid = grant != null
                && grant.expiresAt().isAfter(now)
                && clientId.map(grant.clientId()::equals).orElse(true);
        if (valid) {
            Instant cutoff = now.plus(rotationGrace);
            if (grant.expiresAt().isAfter(cutoff)) {
                refreshTokens.replace(token, grant, new RefreshGrant(grant.user(), grant.clientId(), grant.scope(),
                        cutoff));
            }
        }
        if (!valid) {
            LOG.info("dev issuer refused a refresh token (unknown, expired, used or of another client)");
            sendError(exchange, 400, "invalid_grant", "Invalid refresh token");
            return;
        }
        Map<String, Object> body = tokenBody(sign(grant.user(), grant.clientId(), defaultLifetime));
        body.put("scope", grant.scope());
        addRefreshToken(body, grant.user(), grant.clientId(), grant.scope());
        if (grant.scope().contains("openid")) {
            body.put("id_token", idToken(grant.user(), grant.clientId(), null));
        }
        sendTokenBody(exchange, body, "refresh_token", grant.user().username());
    }

    // ---- authorization endpoint: the login page

    /** The OAuth parameters of an authorization request, from the query (GET) or the login form (POST). */
    private record AuthorizationRequest(String clientId, String redirectUri, String state, String codeChallenge,
            String nonce, String scope, String prompt) {

        static AuthorizationRequest from(Map<String, String> parameters) {
            String scope = parameters.get("scope");
            return new AuthorizationRequest(parameters.get("client_id"), parameters.get("redirect_uri"),
                    parameters.get("state"), parameters.get("code_challenge"), parameters.get("nonce"),
                    scope == null || scope.isBlank() ? DEFAULT_SCOPE : scope, parameters.get("prompt"));
        }
    }

    /** Why the request is refused (shown on a 400 page, never redirected), or null when it is acceptable. */
    private static String refusal(Map<String, String> parameters) {
        String clientId = parameters.get("client_id");
        if (clientId == null || clientId.isBlank()) {
            return "Missing parameter: client_id.";
        }
        String redirectUri = parameters.get("redirect_uri");
        if (redirectUri == null || !isLoopbackUrl(redirectUri)) {
            return "The redirect_uri must be an http URL on localhost or 127.0.0.1 (this issuer serves local"
                    + " development only).";
        }
        if (!"code".equals(parameters.get("response_type"))) {
            return "Unsupported response_type: only 'code' (the authorization code flow).";
        }
        String challenge = parameters.get("code_challenge");
        if (challenge == null || !S256_CHALLENGE.matcher(challenge).matches()) {
            return "Missing or invalid code_challenge: PKCE is required (BASE64URL(SHA-256(code_verifier))).";
        }
        if (!"S256".equals(parameters.get("code_challenge_method"))) {
            return "Unsupported code_challenge_method: only S256.";
        }
        return null;
    }

    private void authorizationRequest(HttpExchange exchange, Map<String, String> parameters) throws IOException {
        String refusal = refusal(parameters);
        if (refusal != null) {
            sendHtml(exchange, 400, errorPage("Invalid sign-in request", refusal));
            return;
        }
        AuthorizationRequest request = AuthorizationRequest.from(parameters);
        if ("none".equals(request.prompt())) {
            // No login session is kept here: a silent sign-in can never succeed (OIDC Core 3.1.2.6).
            redirect(exchange, request.redirectUri(), "error", "login_required", request.state());
            return;
        }
        sendHtml(exchange, 200, loginPage(request, "", null));
    }

    private void loginFormPost(HttpExchange exchange, Map<String, String> form) throws IOException {
        String refusal = refusal(form);
        if (refusal != null) {
            sendHtml(exchange, 400, errorPage("Invalid sign-in request", refusal));
            return;
        }
        AuthorizationRequest request = AuthorizationRequest.from(form);
        String username = form.getOrDefault("username", "").trim();
        String password = form.getOrDefault("password", "");
        Optional<DevUser> user = DevUser.demoUser(username);
        if (user.isEmpty() || !constantTimeEquals(password, username)) {
            LOG.info("dev issuer refused a sign-in for user={}", printable(username));
            sendHtml(exchange, 200, loginPage(request, username, "Invalid username or password."));
            return;
        }
        String code = randomToken();
        Instant now = Instant.now();
        codes.values().removeIf(c -> c.expiresAt().isBefore(now));
        codes.put(code, new AuthorizationCode(user.get(), request.clientId(), request.redirectUri(),
                request.codeChallenge(), request.nonce(), request.scope(), now.plus(CODE_LIFETIME)));
        LOG.info("dev issuer signed in user={} client={}", user.get().username(), printable(request.clientId()));
        redirect(exchange, request.redirectUri(), "code", code, request.state());
    }

    private void logout(HttpExchange exchange, Map<String, String> parameters) throws IOException {
        String target = parameters.get("post_logout_redirect_uri");
        if (target != null && isLoopbackUrl(target)) {
            String state = parameters.get("state");
            String location = state == null ? target : target + (target.contains("?") ? "&" : "?") + "state="
                    + encode(state);
            exchange.getResponseHeaders().set("Location", location);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(302, -1);
            return;
        }
        sendHtml(exchange, 200, page("Signed out (development issuer)", "<h1>Signed out</h1>"
                + "<p>This development issuer keeps no login session: the application has dropped its tokens,"
                + " and the next sign-in asks for a user name and password again.</p>"));
    }

    /** 302 to {@code uri} with {@code name=value} and the state added to its query. */
    private static void redirect(HttpExchange exchange, String uri, String name, String value, String state)
            throws IOException {
        StringBuilder location = new StringBuilder(uri)
                .append(uri.contains("?") ? '&' : '?')
                .append(name).append('=').append(encode(value));
        if (state != null) {
            location.append("&state=").append(encode(state));
        }
        exchange.getResponseHeaders().set("Location", location.toString());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(302, -1);
    }

    /** {@code http://localhost[:port]/...} or {@code http://127.0.0.1[:port]/...}, no user info, no fragment. */
    static boolean isLoopbackUrl(String value) {
        try {
            URI uri = new URI(value);
            return "http".equals(uri.getScheme())
                    && ("localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost()))
                    && uri.getRawUserInfo() == null
                    && uri.getRawFragment() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().startsWith("/"))
                    // The authority must be exactly host[:port] (no tricks the parser would accept).
                    && uri.getRawAuthority().matches("(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?");
        } catch (URISyntaxException | RuntimeException e) {
            return false;
        }
    }

    private static String loginPage(AuthorizationRequest request, String username, String error) {
        StringBuilder html = new StringBuilder();
        html.append("<h1>Sign in</h1>\n")
                .append("<p class=\"notice\"><strong>Development-only issuer.</strong> This is the local stack's OIDC")
                .append(" issuer for development: its passwords are public and it protects nothing real. Never use it")
                .append(" outside a developer machine.</p>\n");
        if (error != null) {
            html.append("<p class=\"error\" id=\"input-error\" role=\"alert\">").append(escape(error))
                    .append("</p>\n");
        }
        html.append("<form id=\"kc-form-login\" method=\"post\" action=\"").append(escape(AUTH_PATH))
                .append("\">\n");
        hidden(html, "response_type", "code");
        hidden(html, "client_id", request.clientId());
        hidden(html, "redirect_uri", request.redirectUri());
        hidden(html, "state", request.state());
        hidden(html, "code_challenge", request.codeChallenge());
        hidden(html, "code_challenge_method", "S256");
        hidden(html, "scope", request.scope());
        hidden(html, "nonce", request.nonce());
        html.append("<label for=\"username\">Username</label>\n")
                .append("<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\"")
                .append(" autofocus value=\"").append(escape(username)).append("\">\n")
                .append("<label for=\"password\">Password</label>\n")
                .append("<input id=\"password\" name=\"password\" type=\"password\"")
                .append(" autocomplete=\"current-password\">\n")
                .append("<button id=\"kc-login\" name=\"login\" type=\"submit\">Sign in</button>\n")
                .append("</form>\n")
                .append("<h2>Demo users</h2>\n<p>The password is the user name.</p>\n<ul class=\"users\">\n");
        DevUser.DEMO_USERS.values().stream()
                .sorted(java.util.Comparator.comparing(DevUser::username))
                .forEach(u -> html.append("<li><code>").append(escape(u.username())).append("</code> ")
                        .append(escape(u.displayName())).append(" (").append(escape(String.join(", ", u.roles())))
                        .append(")</li>\n"));
        html.append("</ul>\n<p class=\"client\">Signing in to <code>").append(escape(request.clientId()))
                .append("</code>, back to <code>").append(escape(request.redirectUri())).append("</code>.</p>\n");
        return page("Sign in (development issuer)", html.toString());
    }

    private static void hidden(StringBuilder html, String name, String value) {
        if (value != null) {
            html.append("<input type=\"hidden\" name=\"").append(escape(name)).append("\" value=\"")
                    .append(escape(value)).append("\">\n");
        }
    }

    private static String errorPage(String title, String message) {
        return page(title + " (development issuer)", "<h1>" + escape(title) + "</h1>\n<p class=\"error\">"
                + escape(message) + "</p>\n<p>This is the local stack's development-only OIDC issuer.</p>\n");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n"
                + "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}\n"
                + ".notice{background:#fff4d6;border:1px solid #e0b400;padding:.75rem;border-radius:4px}\n"
                + ".error{color:#b00020;font-weight:600}\n"
                + "label{display:block;margin-top:.75rem}input[type=text],input[type=password]{width:100%;"
                + "padding:.4rem;box-sizing:border-box}\nbutton{margin-top:1rem;padding:.5rem 1.5rem}\n"
                + ".client{color:#666;font-size:.85rem}\n</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    // ---- tokens

    private String sign(DevUser user, String clientId, Duration lifetime) {
        JwtClaims claims = identityClaims(user, AUDIENCE, "Bearer", clientId, lifetime);
        claims.setClaim("scope", "openid profile email");
        // groups is what quarkus-oidc reads by default; realm_access.roles is where Keycloak puts realm roles.
        claims.setClaim("realm_access", Map.of("roles", user.roles()));
        return signClaims(claims);
    }

    /** The OIDC ID token of a code (or refresh) grant: for the client, with the nonce of its request. */
    private String idToken(DevUser user, String clientId, String nonce) {
        JwtClaims claims = identityClaims(user, clientId, "ID", clientId, defaultLifetime);
        if (nonce != null) {
            claims.setClaim("nonce", nonce);
        }
        return signClaims(claims);
    }

    /** What access and ID tokens both say of the user: issuer, subject, times, names, e-mail and roles. */
    private JwtClaims identityClaims(DevUser user, String audience, String type, String clientId, Duration lifetime) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(user.username());
        claims.setAudience(audience);
        claims.setIssuedAtToNow();
        NumericDate expiry = NumericDate.now();
        expiry.addSeconds(lifetime.toSeconds());
        claims.setExpirationTime(expiry);
        claims.setGeneratedJwtId();
        claims.setClaim("typ", type);
        claims.setClaim("azp", clientId);
        claims.setClaim("preferred_username", user.username());
        claims.setClaim("name", user.displayName());
        if (user.email() != null) {
            claims.setClaim("email", user.email());
        }
        claims.setStringListClaim("groups", user.roles());
        return claims;
    }

    private String signClaims(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signingKey.getPrivateKey());
        jws.setKeyIdHeaderValue(signingKey.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("could not sign a dev token", e);
        }
    }

    private static RsaJsonWebKey generateKey() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(key.calculateBase64urlEncodedThumbprint("SHA-256"));
            key.setUse(Use.SIGNATURE);
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException("could not generate the dev issuer's RSA key", e);
        }
    }

    // ---- small HTTP helpers

    private static boolean requireMethod(HttpExchange exchange, String method, String allowed) throws IOException {
        if (allowed.equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", allowed);
        sendError(exchange, 405, "invalid_request", "Method not allowed; use " + allowed);
        return false;
    }

    private static Map<String, String> readForm(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_FORM_BYTES);
        }
        return parseForm(new String(body, StandardCharsets.UTF_8));
    }

    /** {@code a=1&b=2} (a form body or a raw query), first value of each name wins. */
    private static Map<String, String> parseForm(String text) {
        Map<String, String> form = new HashMap<>();
        if (text == null) {
            return form;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            try {
                form.putIfAbsent(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
            } catch (IllegalArgumentException e) {
                // A malformed escape: ignore the pair, the grant then misses a parameter and says so.
            }
        }
        return form;
    }

    /**
     * CORS for browser apps on this machine: a loopback http origin gets {@code Access-Control-Allow-Origin} with
     * itself (and {@code Vary: Origin}); any other origin gets no CORS header. Returns whether it was allowed.
     */
    private static boolean allowCors(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null || !LOOPBACK_ORIGIN.matcher(origin).matches()) {
            return false;
        }
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
        exchange.getResponseHeaders().add("Vary", "Origin");
        return true;
    }

    private static Map<String, String> queryParameters(HttpExchange exchange) {
        return parseForm(exchange.getRequestURI().getRawQuery());
    }

    private static void sendHtml(HttpExchange exchange, int status, String html) throws IOException {
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        // The login page must not be framed by another page (clickjacking).
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        exchange.getResponseHeaders().set("Content-Security-Policy", "frame-ancestors 'none'");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** 32 random bytes, BASE64URL: authorization codes and refresh tokens. */
    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** BASE64URL(SHA-256(ASCII(verifier))) without padding: the S256 code challenge of RFC 7636. */
    static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** For log lines: at most 64 printable ASCII characters of something a client sent. */
    private static String printable(String raw) {
        String cut = raw.length() > 64 ? raw.substring(0, 64) + "..." : raw;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }

    private static void sendError(HttpExchange exchange, int status, String error, String description)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        sendJson(exchange, status, JsonUtil.toJson(body));
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        // Token responses must not be cached (RFC 6749 5.1); harmless on the rest.
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Pragma", "no-cache");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
