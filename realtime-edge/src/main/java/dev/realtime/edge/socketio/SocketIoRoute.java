package dev.realtime.edge.socketio;

import dev.realtime.edge.metrics.EdgeMetrics;
import dev.realtime.edge.ws.Caller;
import dev.realtime.edge.ws.FrameGuard;
import dev.realtime.edge.ws.Gateway;
import dev.realtime.edge.ws.InboundLimits;
import dev.realtime.edge.ws.OriginCheck;
import dev.realtime.edge.ws.StartupUpgradeGate;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * {@code /socket.io/}: Engine.IO v4's handshake, its HTTP long-polling transport and its WebSocket transport, on
 * Quarkus's HTTP server beside {@code /ws}. Refusals follow the reference server: HTTP 400 with
 * {@code {"code":n,"message":…}} (0 transport unknown, 1 session ID unknown, 2 bad handshake method, 3 bad request,
 * 5 unsupported protocol version), 403 with code 4 for an origin not allowed; and the edge's own 503 with
 * {@code Retry-After} while it is not taking connections. The token comes later, in the Socket.IO CONNECT.
 */
@ApplicationScoped
public class SocketIoRoute {
    static final String PATH = "/socket.io/";
    private static final Logger LOG = Logger.getLogger(SocketIoRoute.class);

    @Inject
    SocketIoEngine engine;
    @Inject
    StartupUpgradeGate gate;
    @Inject
    OriginCheck origins;
    @Inject
    EdgeMetrics metrics;
    @Inject
    InboundLimits limits;

    void route(@Observes Router router) {
        // After Quarkus's authentication (an Authorization header, when a client sends one, is checked as anywhere).
        router.route(PATH).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
        router.route("/socket.io").order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
    }

    private void handle(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && origins.allows(origin)) {
            // XHR polling from a page of another origin (the edge is rarely the page's own host).
            routing.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                    .putHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        }
        if (request.method() == HttpMethod.OPTIONS) {
            preflight(routing, origin);
            return;
        }
        String version;
        String transport;
        String sid;
        try {
            version = request.getParam("EIO");
            transport = request.getParam("transport");
            sid = request.getParam("sid");
        } catch (IllegalArgumentException e) {
            // A query string that does not decode (a lone %, say).
            error(routing, 400, 3, "Bad request");
            return;
        }
        if (!"4".equals(version)) {
            error(routing, 400, 5, "Unsupported protocol version");
            return;
        }
        if (!"polling".equals(transport) && !"websocket".equals(transport)) {
            error(routing, 400, 0, "Transport unknown");
            return;
        }
        if (sid != null) {
            if ("websocket".equals(transport)) {
                probe(routing, sid);
            } else {
                continuePolling(routing, sid);
            }
            return;
        }
        if (request.method() != HttpMethod.GET) {
            error(routing, 400, 2, "Bad handshake method");
            return;
        }
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
        if ("websocket".equals(transport) != upgrade) {
            error(routing, 400, 3, "Bad request");
            return;
        }
        if (!gate.open()) {
            routing.response().putHeader(HttpHeaders.RETRY_AFTER, StartupUpgradeGate.RETRY_AFTER_SECONDS);
            error(routing, 503, 3, "Not taking connections now; retry");
            return;
        }
        if (!origins.allows(origin)) {
            error(routing, 403, 4, "Forbidden");
            return;
        }
        Caller caller = Caller.of(routing.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null);
        Gateway.Handshake handshake = new Gateway.Handshake(origin, request.getHeader(HttpHeaders.USER_AGENT),
                String.valueOf(request.remoteAddress()), OptionalLong.empty());
        if (upgrade) {
            openWebSocket(routing, caller, handshake);
        } else {
            openPolling(routing, caller, handshake);
        }
    }

    private void openPolling(RoutingContext routing, Caller caller, Gateway.Handshake handshake) {
        String sid = engine.newSid();
        EngineSession session = EngineSession.polling(engine, sid, homeLoop(), caller, handshake);
        if (!engine.register(session)) {
            tooMany(routing);
            return;
        }
        session.runOnHome(() -> {
            session.sendOpen(engine.openPacket(true, sid));
            session.poll(routing.response());
        });
    }

    private void openWebSocket(RoutingContext routing, Caller caller, Gateway.Handshake handshake) {
        HttpServerRequest request = routing.request();
        boolean upgrading = FrameGuard.upgrade(request, limits, metrics, (socket, guard) -> {
            String sid = engine.newSid();
            EngineSession session = EngineSession.webSocket(engine, sid, Vertx.currentContext(), socket, guard,
                    caller, handshake);
            if (!engine.register(session)) {
                socket.close((short) 1013, "try again later");
                return;
            }
            guard.describe(() -> "Socket.IO connection " + session.id());
            guard.upgraded();
            session.listenTo(socket);
            session.sendOpen(engine.openPacket(false, sid));
            if (socket.isClosed()) {
                session.transportClosed(null, null);
            }
        });
        if (!upgrading) {
            error(routing, 400, 3, "Bad request");
        }
    }

    /** A WebSocket with the sid of a polling session: Engine.IO's upgrade, probed first. */
    private void probe(RoutingContext routing, String sid) {
        HttpServerRequest request = routing.request();
        EngineSession session = engine.find(sid);
        if (session == null || !session.isPolling()) {
            error(routing, 400, 1, "Session ID unknown");
            return;
        }
        if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            error(routing, 400, 3, "Bad request");
            return;
        }
        if (!origins.allows(request.getHeader(HttpHeaders.ORIGIN))) {
            error(routing, 403, 4, "Forbidden");
            return;
        }
        boolean upgrading = FrameGuard.upgrade(request, limits, metrics, (socket, guard) -> {
            guard.upgraded();
            if (!session.probe(socket, guard)) {
                socket.close((short) 1002, "no upgrade for this session");
            }
        });
        if (!upgrading) {
            error(routing, 400, 3, "Bad request");
        }
    }

    private void continuePolling(RoutingContext routing, String sid) {
        EngineSession session = engine.find(sid);
        if (session == null) {
            error(routing, 400, 1, "Session ID unknown");
            return;
        }
        if (!session.isPolling()) {
            // Upgraded to a WebSocket (the reference server's answer too).
            error(routing, 400, 3, "Bad request");
            return;
        }
        HttpServerRequest request = routing.request();
        if (request.method() == HttpMethod.GET) {
            session.runOnHome(() -> {
                if (!session.isPolling()) {
                    error(routing, 400, 3, "Bad request");
                } else if (session.isEngineClosed() && !session.hasPending()) {
                    error(routing, 400, 1, "Session ID unknown");
                } else if (!session.poll(routing.response())) {
                    error(routing, 400, 3, "Bad request");
                }
            });
        } else if (request.method() == HttpMethod.POST) {
            readBody(routing, body -> session.runOnHome(() -> {
                if (!session.isPolling() || session.isEngineClosed()) {
                    error(routing, 400, 1, "Session ID unknown");
                } else {
                    session.post(body,
                            () -> routing.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html").end("ok"),
                            () -> error(routing, 400, 3, "Bad request"));
                }
            }));
        } else {
            error(routing, 400, 3, "Bad request");
        }
    }

    /** The POST's body, at most {@code maxPayload} bytes (413 beyond, as the reference server). */
    private void readBody(RoutingContext routing, java.util.function.Consumer<String> then) {
        HttpServerRequest request = routing.request();
        int max = engine.maxPayload();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && (length.length() > 10 || Long.parseLong(length) > max)) {
            routing.response().setStatusCode(413).end();
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] tooBig = {false};
        request.handler(chunk -> {
            if (tooBig[0]) {
                return;
            }
            if (body.length() + chunk.length() > max) {
                tooBig[0] = true;
                routing.response().setStatusCode(413).end();
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(ignored -> {
            if (!tooBig[0]) {
                then.accept(body.toString(StandardCharsets.UTF_8));
            }
        });
        request.resume();
    }

    private void preflight(RoutingContext routing, String origin) {
        HttpServerResponse response = routing.response();
        if (origin == null || !origins.allows(origin)) {
            error(routing, 403, 4, "Forbidden");
            return;
        }
        String headers = routing.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST");
        if (headers != null) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, headers);
        }
        response.putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "86400").setStatusCode(204).end();
    }

    private void tooMany(RoutingContext routing) {
        LOG.infof("Refused a Socket.IO handshake from %s: too many sessions without CONNECT",
                routing.request().remoteAddress());
        routing.response().putHeader(HttpHeaders.RETRY_AFTER, StartupUpgradeGate.RETRY_AFTER_SECONDS);
        error(routing, 503, 3, "Too many pending connections; retry");
    }

    /** The request's event loop (not its duplicated context, which carries the request's locals). */
    private static Context homeLoop() {
        return ((io.vertx.core.impl.ContextInternal) Vertx.currentContext()).unwrap();
    }

    private static void error(RoutingContext routing, int status, int code, String message) {
        HttpServerResponse response = routing.response();
        if (response.ended()) {
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("code", code).put("message", message).encode());
    }
}
