package dev.realtime.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

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
 * It mimics the parts of a Keycloak realm that the services and the demo client use: discovery, JWKS and the token
 * endpoint (password and client-credentials grants), so a service validates its tokens exactly as it would validate
 * Keycloak's ({@code quarkus.oidc.auth-server-url=<issuer()>}). The passwords are public (password = user name) and
 * the signing key lives only in memory, so a restart invalidates every token. It listens on the loopback interface
 * only: nobody else on the network can mint tokens. Never point a deployed service at it.
 */
public final class DevOidcIssuer implements AutoCloseable {

    public static final String REALM_PATH = "/realms/dev";
    public static final String DISCOVERY_PATH = REALM_PATH + "/.well-known/openid-configuration";
    public static final String JWKS_PATH = REALM_PATH + "/protocol/openid-connect/certs";
    public static final String TOKEN_PATH = REALM_PATH + "/protocol/openid-connect/token";

    /** The {@code aud} of every token; services may require it with {@code quarkus.oidc.token.audience}. */
    public static final String AUDIENCE = "realtime";
    /** {@code azp} of password-grant tokens when the caller names no client. */
    public static final String DEFAULT_CLIENT_ID = "realtime-web";
    public static final String SERVICE_CLIENT_ID = "service";
    /** Public on purpose, like the demo passwords: this issuer protects nothing real. */
    public static final String SERVICE_CLIENT_SECRET = "service-secret";

    private static final Logger LOG = LoggerFactory.getLogger(DevOidcIssuer.class);
    private static final int MAX_FORM_BYTES = 64 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final RsaJsonWebKey signingKey;
    private final Duration defaultLifetime;
    private final String issuer;

    private DevOidcIssuer(HttpServer server, ExecutorService executor, RsaJsonWebKey signingKey,
            Duration defaultLifetime) {
        this.server = server;
        this.executor = executor;
        this.signingKey = signingKey;
        this.defaultLifetime = defaultLifetime;
        this.issuer = "http://localhost:" + server.getAddress().getPort() + REALM_PATH;
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
        doc.put("token_endpoint", tokenEndpoint());
        doc.put("grant_types_supported", List.of("password", "client_credentials"));
        doc.put("response_types_supported", List.of("token"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of(AlgorithmIdentifiers.RSA_USING_SHA256));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        doc.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "jti", "preferred_username", "name",
                "email", "groups"));
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
        sendToken(exchange, sign(user.get(), clientId, defaultLifetime), "password", user.get().username());
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
        sendToken(exchange, serviceToken(), "client_credentials", DevUser.SERVICE.username());
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

    private void sendToken(HttpExchange exchange, String accessToken, String grant, String subject)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        body.put("expires_in", defaultLifetime.toSeconds());
        body.put("refresh_expires_in", 0);
        body.put("token_type", "Bearer");
        body.put("not-before-policy", 0);
        body.put("scope", "openid profile email");
        // The token itself is never logged.
        LOG.debug("dev issuer issued a token grant={} sub={}", grant, subject);
        sendJson(exchange, 200, JsonUtil.toJson(body));
    }

    // ---- tokens

    private String sign(DevUser user, String clientId, Duration lifetime) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(user.username());
        claims.setAudience(AUDIENCE);
        claims.setIssuedAtToNow();
        NumericDate expiry = NumericDate.now();
        expiry.addSeconds(lifetime.toSeconds());
        claims.setExpirationTime(expiry);
        claims.setGeneratedJwtId();
        claims.setClaim("typ", "Bearer");
        claims.setClaim("azp", clientId);
        claims.setClaim("scope", "openid profile email");
        claims.setClaim("preferred_username", user.username());
        claims.setClaim("name", user.displayName());
        if (user.email() != null) {
            claims.setClaim("email", user.email());
        }
        // groups is what quarkus-oidc reads by default; realm_access.roles is where Keycloak puts realm roles.
        claims.setStringListClaim("groups", user.roles());
        claims.setClaim("realm_access", Map.of("roles", user.roles()));

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
        Map<String, String> form = new HashMap<>();
        String text = new String(body, StandardCharsets.UTF_8);
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
