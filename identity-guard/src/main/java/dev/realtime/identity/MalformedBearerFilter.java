package dev.realtime.identity;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Answers a request whose bearer credential cannot be a signed JWT ({@link BearerShape}) with 401 and the RFC 6750
 * challenge, before quarkus-oidc sees it: some such shapes make it fail with a 500. The credential is looked for
 * where the services accept one: the {@code Authorization} header, and on a WebSocket upgrade the browser carrier in
 * {@code Sec-WebSocket-Protocol} ({@code quarkus-http-upgrade#Authorization#Bearer ...}, which websockets-next turns
 * into a header only after this filter). Runs after CORS (so that preflights are answered) and before
 * authentication; other schemes and requests without a credential pass untouched. One line at INFO per refused
 * request, without the credential.
 */
@ApplicationScoped
public class MalformedBearerFilter {
    /** Quarkus runs filters by descending priority: CORS is 300, authentication 200. */
    static final int PRIORITY = 250;
    static final String CHALLENGE = "Bearer error=\"invalid_token\", error_description=\"malformed token\"";
    private static final Logger LOG = Logger.getLogger(MalformedBearerFilter.class);
    private static final String SCHEME = "bearer";
    private static final String CARRIER_PREFIX = "quarkus-http-upgrade#";

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext routing) {
        for (String authorization : authorizations(routing.request())) {
            String credential = bearerCredential(authorization);
            String problem = credential == null ? null : BearerShape.problemWith(credential);
            if (problem != null) {
                LOG.infof("Refused a malformed bearer token %s: %s", LogSafe.where(routing), problem);
                routing.response()
                        .setStatusCode(401)
                        .putHeader("WWW-Authenticate", CHALLENGE)
                        .end();
                return;
            }
        }
        routing.next();
    }

    /** The Authorization header, and on an upgrade each Authorization the browser carrier holds. */
    private static List<String> authorizations(HttpServerRequest request) {
        List<String> found = new ArrayList<>(1);
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null) {
            found.add(header);
        }
        for (String protocols : request.headers().getAll("Sec-WebSocket-Protocol")) {
            for (String protocol : protocols.split(",")) {
                String carried = carriedAuthorization(protocol.trim());
                if (carried != null) {
                    found.add(carried);
                }
            }
        }
        return found;
    }

    /** {@code quarkus-http-upgrade#Authorization#<value>}, URL-encoded as browsers must send it: the value. */
    private static String carriedAuthorization(String protocol) {
        String decoded;
        try {
            decoded = URLDecoder.decode(protocol, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null; // not URL-encoded: websockets-next will not read it as a header either
        }
        if (!decoded.regionMatches(true, 0, CARRIER_PREFIX, 0, CARRIER_PREFIX.length())) {
            return null;
        }
        int separator = decoded.indexOf('#', CARRIER_PREFIX.length());
        if (separator < 0 || !decoded.substring(CARRIER_PREFIX.length(), separator).equalsIgnoreCase("Authorization")) {
            return null;
        }
        return decoded.substring(separator + 1);
    }

    /** The credential of a {@code Bearer} authorization (possibly empty), or null for another scheme. */
    private static String bearerCredential(String authorization) {
        if (!authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        if (authorization.length() > SCHEME.length() && authorization.charAt(SCHEME.length()) != ' ') {
            return null;
        }
        return authorization.substring(SCHEME.length()).trim();
    }
}
