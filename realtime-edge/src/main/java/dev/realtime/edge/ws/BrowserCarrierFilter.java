package dev.realtime.edge.ws;

import dev.realtime.identity.BrowserCarrier;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Makes the token a browser carried in {@code Sec-WebSocket-Protocol} ({@link BrowserCarrier}) the upgrade's
 * {@code Authorization} header, so that the upgrade is authenticated like any request (quarkus-oidc, the token cache,
 * the identity guard). After identity-guard's malformed-token filter (250), before authentication (200); a request
 * that has the header keeps it.
 */
@ApplicationScoped
public class BrowserCarrierFilter {
    static final int PRIORITY = 240;

    void register(@Observes Filters filters) {
        filters.register(this::carry, PRIORITY);
    }

    private void carry(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (GatewayRoute.PATH.equals(request.path()) && request.getHeader(HttpHeaders.AUTHORIZATION) == null) {
            List<String> carried = BrowserCarrier.authorizations(request);
            if (!carried.isEmpty()) {
                request.headers().set(HttpHeaders.AUTHORIZATION, carried.get(0));
            }
        }
        routing.next();
    }
}
