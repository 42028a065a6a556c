package dev.realtime.identity;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Answers a request whose bearer credential cannot be a signed JWT ({@link BearerShape}) with 401 and the RFC 6750
 * challenge, before quarkus-oidc sees it: some such shapes make it fail with a 500. The credential is looked for
 * where the services accept one: the {@code Authorization} header, and on a WebSocket upgrade the browser carrier in
 * {@code Sec-WebSocket-Protocol} ({@link BrowserCarrier}, which the edge turns into a header only after this
 * filter). Runs after CORS (so that preflights are answered) and before authentication; other schemes and
 * requests without a credential pass untouched. One line at INFO per refused request, without the credential.
 */
@ApplicationScoped
public class MalformedBearerFilter {
    /** Quarkus runs filters by descending priority: CORS is 300, authentication 200. */
    static final int PRIORITY = 250;
    static final String CHALLENGE = "Bearer error=\"invalid_token\", error_description=\"malformed token\"";
    private static final Logger LOG = Logger.getLogger(MalformedBearerFilter.class);
    private static final String SCHEME = "bearer";

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
        found.addAll(BrowserCarrier.authorizations(request));
        return found;
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
