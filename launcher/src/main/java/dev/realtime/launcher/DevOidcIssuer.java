package dev.realtime.launcher;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import no.nav.security.mock.oauth2.token.RequestMapping;
import no.nav.security.mock.oauth2.token.RequestMappingTokenCallback;
import org.jose4j.json.JsonUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack's OpenID Connect provider <strong>for local development only</strong>: NAV's
 * {@code mock-oauth2-server} (a maintained library), configured with the demo users, the web and service clients and a
 * login page with the field ids of Keycloak's ({@code #username}, {@code #password}, {@code #kc-login}).
 * <p>
 * Services validate its tokens as they would Keycloak's ({@code quarkus.oidc.auth-server-url=<issuer()>}: discovery,
 * JWKS, RS256), with the audience {@value #AUDIENCE} and the roles in {@code groups} (and Keycloak's
 * {@code realm_access.roles}). A browser app signs in with the authorization code flow (a PKCE verifier, when the
 * request has a challenge, must match) and refreshes with the refresh token. What it does not do, on purpose of its
 * authors: it checks no password and no client secret (any user name signs in; a demo user gets its name and roles,
 * anyone else the role {@code user}), accepts any redirect URI and answers CORS for any origin. That is why it listens
 * on the loopback interface only and signs with a key generated at each start (not the library's bundled one): its
 * tokens are worth nothing outside this machine and this run. Never point a deployed service at it.
 * <p>
 * Clients must call it as {@code localhost}: the library derives every URL, {@code iss} included, from the request's
 * host, and the services expect {@code iss = http://localhost:<port>/realms/dev}.
 */
public final class DevOidcIssuer implements AutoCloseable {
    /** The issuer's path, as in a Keycloak realm: the services' configuration stays the same for either. */
    public static final String REALM_PATH = "/realms/dev";
    /** Every access token's {@code aud}: the services accept nothing else. */
    public static final String AUDIENCE = "realtime";
    /** The demo app's and the SDK's public client. */
    public static final String DEFAULT_CLIENT_ID = "realtime-web";
    /** The client of other services ({@code client_credentials}); its secret is public, like the passwords. */
    public static final String SERVICE_CLIENT_ID = "service";
    public static final String SERVICE_CLIENT_SECRET = "service-secret";
    /**
     * The edge's own client ({@code client_credentials}, role {@code history-reader}): it reads rooms' history from
     * their owners on a member's behalf. The edge's {@code %local} profile has the same id and secret.
     */
    public static final String EDGE_CLIENT_ID = "realtime-edge";
    public static final String EDGE_CLIENT_SECRET = "realtime-edge-secret";

    private static final Logger LOG = LoggerFactory.getLogger(DevOidcIssuer.class);
    private static final String ISSUER_ID = REALM_PATH.substring(1);
    private static final String LOGIN_PAGE = "dev-issuer-login.html";
    private static final String SCOPE = "openid profile email";

    private final MockOAuth2Server server;
    private final int port;
    private final Duration defaultLifetime;
    private final Path loginPage;

    private DevOidcIssuer(MockOAuth2Server server, int port, Duration defaultLifetime, Path loginPage) {
        this.server = server;
        this.port = port;
        this.defaultLifetime = defaultLifetime;
        this.loginPage = loginPage;
    }

    /** Starts on {@code port} (0 = any free port) with 1-hour tokens. */
    public static DevOidcIssuer start(int port) {
        return start(port, StackConfig.DEFAULT_TOKEN_LIFETIME);
    }

    /** Starts on {@code port} (0 = any free port) of the loopback interface; access tokens live {@code lifetime}. */
    public static DevOidcIssuer start(int port, Duration lifetime) {
        int listenPort = port == 0 ? StackConfig.freePorts(1)[0] : port;
        Path loginPage = writeLoginPage();
        OAuth2Config config = new OAuth2Config(true, loginPage.toString(), null, true,
                new OAuth2TokenProvider(new KeyProvider(List.of(generateKey()), "RS256")),
                Set.of(new RequestMappingTokenCallback(ISSUER_ID, requestMappings(), lifetime.toSeconds())),
                new MockWebServerWrapper());
        MockOAuth2Server server = new MockOAuth2Server(config);
        try {
            server.start(InetAddress.getLoopbackAddress(), listenPort);
        } catch (Exception e) { // a BindException, undeclared (Kotlin)
            deleteQuietly(loginPage);
            throw new LocalStackException("the development OIDC issuer cannot listen on port " + listenPort
                    + " (is another local stack running? STACK_ISSUER_PORT moves it): " + e.getMessage());
        }
        DevOidcIssuer issuer = new DevOidcIssuer(server, listenPort, lifetime, loginPage);
        LOG.warn("DEVELOPMENT-ONLY OIDC issuer started: issuer={} demo users={} (no password is checked); never use it"
                + " outside a developer machine", issuer.issuer(), String.join(",", demoUsers().stream()
                        .map(DevUser::username).toList()));
        return issuer;
    }

    public int port() {
        return port;
    }

    /** The issuer URL, i.e. the value of {@code quarkus.oidc.auth-server-url} and of every token's {@code iss}. */
    public String issuer() {
        return url(server.issuerUrl(ISSUER_ID).toString());
    }

    public String discoveryUrl() {
        return url(server.wellKnownUrl(ISSUER_ID).toString());
    }

    public String jwksUrl() {
        return url(server.jwksUrl(ISSUER_ID).toString());
    }

    public String tokenEndpoint() {
        return url(server.tokenEndpointUrl(ISSUER_ID).toString());
    }

    public String authorizationEndpoint() {
        return url(server.authorizationEndpointUrl(ISSUER_ID).toString());
    }

    public String endSessionEndpoint() {
        return url(server.endSessionEndpointUrl(ISSUER_ID).toString());
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
        return sign(DevUser.demoUser(user).orElseGet(() -> stranger(user, List.of("user"))), DEFAULT_CLIENT_ID,
                lifetime);
    }

    /** A token for any subject with exactly the given roles (for tests of role rooms and authorization). */
    public String token(String subject, List<String> roles, Duration lifetime) {
        DevUser identity = DevUser.demoUser(subject)
                .map(u -> new DevUser(u.username(), u.displayName(), u.email(), roles))
                .orElseGet(() -> stranger(subject, roles));
        return sign(identity, DEFAULT_CLIENT_ID, lifetime);
    }

    /** What the client-credentials grant of {@code client_id=service} returns. */
    public String serviceToken() {
        return sign(DevUser.SERVICE, SERVICE_CLIENT_ID, defaultLifetime);
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } catch (RuntimeException | Error e) {
            LOG.debug("development issuer stopped with {}", e.toString());
        } finally {
            deleteQuietly(loginPage);
        }
    }

    private String sign(DevUser user, String clientId, Duration lifetime) {
        DefaultOAuth2TokenCallback callback = new DefaultOAuth2TokenCallback(ISSUER_ID, user.username(),
                JOSEObjectType.JWT.getType(), List.of(AUDIENCE), claims(user), lifetime.toSeconds());
        return server.issueToken(ISSUER_ID, clientId, callback).serialize();
    }

    /**
     * How a token request becomes claims, first match wins: a demo user by the password grant's {@code username},
     * the service client, then anyone else with the role {@code user}. (A sign-in on the login page brings its
     * user's claims itself: {@link #writeLoginPage()}.)
     */
    private static List<RequestMapping> requestMappings() {
        List<RequestMapping> mappings = new ArrayList<>();
        for (DevUser user : demoUsers()) {
            mappings.add(new RequestMapping("username", user.username(), withAudience(claims(user)),
                    JOSEObjectType.JWT.getType()));
        }
        Map<String, Object> service = withAudience(claims(DevUser.SERVICE));
        service.put("azp", SERVICE_CLIENT_ID);
        mappings.add(new RequestMapping("client_id", SERVICE_CLIENT_ID, service, JOSEObjectType.JWT.getType()));
        Map<String, Object> edge = withAudience(claims(DevUser.EDGE));
        edge.put("azp", EDGE_CLIENT_ID);
        mappings.add(new RequestMapping("client_id", EDGE_CLIENT_ID, edge, JOSEObjectType.JWT.getType()));
        mappings.add(new RequestMapping("username", ".+",
                withAudience(claims(new DevUser("${username}", "${username}", null, List.of("user")))),
                JOSEObjectType.JWT.getType()));
        return mappings;
    }

    /** What a token says of its user: names, e-mail and roles where quarkus-oidc and Keycloak put them. */
    private static Map<String, Object> claims(DevUser user) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", user.username());
        claims.put("preferred_username", user.username());
        claims.put("name", user.displayName());
        if (user.email() != null) {
            claims.put("email", user.email());
        }
        // groups is what quarkus-oidc reads by default; realm_access.roles is where Keycloak puts realm roles.
        claims.put("groups", user.roles());
        claims.put("realm_access", Map.of("roles", user.roles()));
        claims.put("scope", SCOPE);
        claims.put("azp", "${client_id}");
        return claims;
    }

    private static Map<String, Object> withAudience(Map<String, Object> claims) {
        Map<String, Object> all = new LinkedHashMap<>(claims);
        all.put("aud", List.of(AUDIENCE));
        return all;
    }

    private static DevUser stranger(String name, List<String> roles) {
        return new DevUser(name, name, null, roles);
    }

    private static List<DevUser> demoUsers() {
        return DevUser.DEMO_USERS.values().stream().sorted(Comparator.comparing(DevUser::username)).toList();
    }

    /** The library builds URLs from the host it listens on; browsers and the services use {@code localhost}. */
    private String url(String libraryUrl) {
        return libraryUrl.replaceFirst("^http://[^/]+", "http://localhost:" + port).replaceFirst("/$", "");
    }

    /**
     * The login page, a file the library serves as it is: the template with the demo users filled in, as a list for
     * the reader and as the claims the page posts with the user name (the library adds a login form's
     * {@code claims} to the tokens of that sign-in; a request mapping cannot see who signed in).
     */
    private static Path writeLoginPage() {
        try (InputStream in = DevOidcIssuer.class.getResourceAsStream(LOGIN_PAGE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + LOGIN_PAGE);
            }
            StringBuilder rows = new StringBuilder();
            Map<String, Object> claimsByUser = new LinkedHashMap<>();
            for (DevUser user : demoUsers()) {
                rows.append("<li><code>").append(user.username()).append("</code> ").append(user.displayName())
                        .append(" (").append(String.join(", ", user.roles())).append(")</li>\n");
                claimsByUser.put(user.username(), withAudience(claims(user)));
            }
            String page = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("<!-- DEMO-USERS -->", rows.toString())
                    // JSON in a script element: "</" must not end it early.
                    .replace("/* DEMO-USERS-JSON */ {}", JsonUtil.toJson(claimsByUser).replace("</", "<\\/"));
            Path file = Files.createTempFile("dev-issuer-login-", ".html");
            file.toFile().deleteOnExit();
            return Files.writeString(file, page);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the development issuer's login page", e);
        }
    }

    private static RSAKey generateKey() {
        try {
            return new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not generate the development issuer's signing key", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file; deleteOnExit tries again
        }
    }

    @Override
    public String toString() {
        return "DevOidcIssuer[" + issuer() + "]";
    }
}
