package dev.realtime.edge.socketio;

import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.metrics.EdgeMetrics;
import dev.realtime.edge.rooms.InboundBudget;
import dev.realtime.edge.ws.Gateway;
import dev.realtime.edge.ws.InboundLimits;
import dev.realtime.edge.ws.TokenRefresh;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The Engine.IO sessions of this instance, by {@code sid} (polling requests find theirs here), and what they share:
 * the gateway, the token check, the limits, a sweep for CONNECT timeouts and closed sessions.
 */
@ApplicationScoped
public class SocketIoEngine {
    private static final Logger LOG = Logger.getLogger(SocketIoEngine.class);
    /** How long a closed polling session keeps its last packets (the close among them) for the client's next GET. */
    private static final long CLOSED_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Inject
    Gateway gateway;
    @Inject
    TokenRefresh tokens;
    @Inject
    EdgeConfig config;
    @Inject
    EdgeMetrics metrics;
    @Inject
    InboundLimits limits;
    @Inject
    Vertx vertx;
    @Inject
    SocketIoRecovery recovery;

    private final Map<String, EngineSession> sessions = new ConcurrentHashMap<>();
    /** Sessions without a Socket.IO CONNECT yet: not authenticated, so capped. */
    private final AtomicInteger unconnected = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private long timer = -1;

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.sweepInterval().toMillis(), id -> sweep());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** 128 random bits: for polling the sid is what proves a request belongs to the session, so never logged. */
    String newSid() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Registers a new session; false (not registered) when too many sessions wait for their CONNECT. */
    boolean register(EngineSession session) {
        if (unconnected.incrementAndGet() > config.socketio().maxUnconnected()) {
            unconnected.decrementAndGet();
            return false;
        }
        sessions.put(session.sid(), session);
        return true;
    }

    EngineSession find(String sid) {
        return sid == null ? null : sessions.get(sid);
    }

    void connected(EngineSession session) {
        unconnected.decrementAndGet();
    }

    /** A polling session moved to a WebSocket: its sid no longer takes polling requests. */
    void upgraded(EngineSession session) {
        metrics.socketIoUpgraded();
    }

    /** How long a probing WebSocket may take to send Engine.IO's upgrade packet. */
    long upgradeTimeoutMillis() {
        return TimeUnit.SECONDS.toMillis(10);
    }

    void closed(EngineSession session) {
        if (!session.isConnected() && !session.countedClosed()) {
            unconnected.decrementAndGet();
        }
        if (!session.isPolling()) {
            // A WebSocket session has nothing more to hand out.
            sessions.remove(session.sid(), session);
        }
    }

    String openPacket(boolean polling, String sid) {
        return "0{\"sid\":\"" + sid + "\",\"upgrades\":" + (polling ? "[\"websocket\"]" : "[]") + ",\"pingInterval\":"
                + config.websocket().pingInterval().toMillis() + ",\"pingTimeout\":"
                + config.socketio().pingTimeout().toMillis() + ",\"maxPayload\":" + maxPayload() + "}";
    }

    /** The largest message a client may send: the same as for {@code /ws} (a larger WebSocket message closes with 1009). */
    int maxPayload() {
        return config.websocket().maxMessageSize();
    }

    InboundBudget newInboundBudget() {
        return limits.newBudget();
    }

    int violationsBeforeClose() {
        return limits.violationsBeforeClose();
    }

    /** Packets a client may send while an answer of the edge is pending (a CONNECT's token check, a resume). */
    int maxWaitingPackets() {
        return 2 * config.limits().frameBurst();
    }

    long connectTimeoutNanos() {
        return config.socketio().connectTimeout().toNanos();
    }

    long closedGraceNanos() {
        return CLOSED_GRACE_NANOS;
    }

    Gateway gateway() {
        return gateway;
    }

    TokenRefresh tokens() {
        return tokens;
    }

    SocketIoRecovery recovery() {
        return recovery;
    }

    EdgeMetrics metrics() {
        return metrics;
    }

    private void sweep() {
        long now = System.nanoTime();
        for (EngineSession session : sessions.values()) {
            if (!session.needsSweep()) {
                continue;
            }
            session.runOnHome(() -> {
                try {
                    if (session.sweep(now)) {
                        sessions.remove(session.sid(), session);
                    }
                } catch (RuntimeException e) {
                    LOG.warnf("Sweeping Socket.IO connection %s failed: %s", session.id(), e.toString());
                }
            });
        }
    }
}
