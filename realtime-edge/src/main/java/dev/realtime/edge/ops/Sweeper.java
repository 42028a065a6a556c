package dev.realtime.edge.ops;

import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.lifecycle.ConnectionEvents;
import dev.realtime.edge.presence.PresenceService;
import dev.realtime.edge.presence.TypingRelay;
import dev.realtime.edge.protocol.CloseCodes;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The edge's clock: every sweep interval it closes connections whose token expired (4001) or that went silent
 * (4010) or stopped reading a full send queue (4008), lapses typing indicators, pings every connection once
 * per {@code realtime.websocket.ping-interval} (a share of them in each sweep), forgets presence announcements past their TTL, and sends the presence
 * heartbeat when due. One timer for all sessions instead of one per session keeps the cost flat.
 */
@ApplicationScoped
public class Sweeper {
    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    @Inject
    Vertx vertx;
    @Inject
    EdgeConfig config;
    @Inject
    RoomRegistry rooms;
    @Inject
    PresenceService presence;
    @Inject
    TypingRelay typing;
    @Inject
    ConnectionEvents lifecycle;

    private long timer = -1;
    private long lastHeartbeat = System.nanoTime();
    private long sweeps;

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.sweepInterval().toMillis(), id -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                LOG.warnf("A sweep failed: %s", e.toString());
            }
        });
    }

    void sweep() {
        long now = System.nanoTime();
        Instant wallNow = Instant.now();
        long idleLimit = config.idleTimeout().toNanos();
        long slowConsumerLimit = config.limits().slowConsumerAfter().toNanos();
        // Each connection is pinged once per ping interval, in the sweep of its slot: spread over the interval, so
        // that 19,000 connections opened at once do not get 19,000 pings (and send as many pongs) in one burst.
        long slots = Math.max(1, config.websocket().pingInterval().toNanos() / config.sweepInterval().toNanos());
        long slot = sweeps++ % slots;
        for (Session session : rooms.sessions()) {
            if (session.isClosing()) {
                continue;
            }
            if (session.expiredAt(wallNow)) {
                LOG.debugf("Closing connection %s of user %s: token expired", session.id(), session.user());
                lifecycle.tokenExpired(session);
                session.close(CloseCodes.AUTHENTICATION_EXPIRED, "authentication expired");
            } else if (session.behindForNanos(now) > slowConsumerLimit) {
                // One line per client that stopped reading: an operator sees who, not only a counter.
                LOG.infof("Closing connection %s of user %s with 4008: behind for %s without reading its queue down",
                        session.id(), session.user(), config.limits().slowConsumerAfter());
                session.close(CloseCodes.SLOW_CONSUMER, "slow consumer");
            } else if (now - session.lastSeenNanos() > idleLimit) {
                LOG.debugf("Closing connection %s of user %s: silent for %s", session.id(), session.user(),
                        config.idleTimeout());
                session.close(CloseCodes.IDLE_TIMEOUT, "idle timeout");
            } else {
                typing.expire(session, now);
                if (Math.floorMod(System.identityHashCode(session), slots) == slot) {
                    session.ping();
                }
            }
        }
        if (now - lastHeartbeat >= config.presence().heartbeat().toNanos()) {
            lastHeartbeat = now;
            presence.heartbeat();
        }
        presence.expire();
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
