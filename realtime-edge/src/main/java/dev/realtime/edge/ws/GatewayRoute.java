package dev.realtime.edge.ws;

import dev.realtime.edge.metrics.EdgeMetrics;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * The WebSocket upgrade on {@code /ws}, on Quarkus's HTTP server, after its authentication: the bearer token is
 * checked like any request's (the {@code Authorization} header, or a browser's carrier made into one by
 * {@link BrowserCarrierFilter}; refused with 401 before this runs). Then, in this order: 503 with
 * {@code Retry-After} until the membership index is loaded or once shutdown began ({@link StartupUpgradeGate}), 403
 * for a browser page of an origin not allowed ({@link OriginCheck}), 400 for a malformed {@code since}
 * ({@link UserRoomSince}); a request that is not an upgrade gets 426.
 *
 * <p>The edge's own route rather than a websockets-next endpoint, for memory: websockets-next keeps the handshake's
 * routing context, request, headers and security identity for the life of every connection (about 20 KB each,
 * benchmarks/README.md "Fan-out"). Here a connection keeps its socket, its {@link FrameGuard}, what the
 * {@link Caller} record copies of the identity, and its session.
 */
@ApplicationScoped
public class GatewayRoute {
    static final String PATH = "/ws";
    private static final Logger LOG = Logger.getLogger(GatewayRoute.class);

    @Inject
    StartupUpgradeGate gate;
    @Inject
    OriginCheck origins;
    @Inject
    EdgeMetrics metrics;
    @Inject
    InboundLimits limits;
    @Inject
    Gateway gateway;

    void route(@Observes Router router) {
        // After Quarkus's authentication and authorization handlers, ahead of the REST routes.
        router.get(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::upgrade);
    }

    private void upgrade(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            routing.response().putHeader(HttpHeaders.UPGRADE, "websocket")
                    .putHeader(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
            refuse(routing, 426, "upgrade-required", "Upgrade required", "/ws takes WebSocket upgrades only.");
            return;
        }
        if (!gate.open()) {
            routing.response().putHeader(HttpHeaders.RETRY_AFTER, StartupUpgradeGate.RETRY_AFTER_SECONDS);
            refuse(routing, 503, "unavailable", "Service unavailable", "Not taking connections now; retry.");
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (!origins.allows(origin)) {
            refuse(routing, 403, "origin-not-allowed", "Origin not allowed", null);
            return;
        }
        OptionalLong since;
        try {
            since = UserRoomSince.parse(request.query());
        } catch (IllegalArgumentException e) {
            LOG.infof("Refused an upgrade from %s: %s", request.remoteAddress(), e.getMessage());
            refuse(routing, 400, "invalid-request", "Invalid request", e.getMessage());
            return;
        }
        Caller caller = Caller.of(routing.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null);
        if (caller == null) {
            // Quarkus's authorization (the /ws permission in application.properties) answers first; a last line.
            routing.response().putHeader("WWW-Authenticate", "Bearer");
            refuse(routing, 401, "unauthorized", "Unauthorized", null);
            return;
        }
        Gateway.Handshake handshake = new Gateway.Handshake(origin, request.getHeader(HttpHeaders.USER_AGENT),
                String.valueOf(request.remoteAddress()), since);
        if (!FrameGuard.upgrade(request, limits, metrics,
                (socket, guard) -> gateway.open(socket, guard, caller, handshake))) {
            refuse(routing, 400, "invalid-request", "Invalid request", "WebSocket upgrades need HTTP/1.1.");
        }
    }

    private static void refuse(RoutingContext routing, int status, String slug, String title, String detail) {
        JsonObject problem = new JsonObject().put("type", "/problems/" + slug).put("title", title)
                .put("status", status);
        if (detail != null) {
            problem.put("detail", detail);
        }
        routing.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .end(problem.encode());
    }
}
