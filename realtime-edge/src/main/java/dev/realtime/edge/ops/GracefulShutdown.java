package dev.realtime.edge.ops;

import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.presence.PresenceService;
import dev.realtime.edge.protocol.CloseCodes;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import dev.realtime.edge.ws.StartupUpgradeGate;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * On shutdown: refuse new upgrades, close every connection with 1001 ("going away": reconnect, the load balancer
 * sends you to another instance), tell the other instances these users' connections here are gone, and give the
 * close frames up to the drain time to leave before the HTTP server stops.
 */
@ApplicationScoped
public class GracefulShutdown {
    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    @Inject
    StartupUpgradeGate gate;
    @Inject
    RoomRegistry rooms;
    @Inject
    PresenceService presence;
    @Inject
    EdgeConfig config;

    private boolean wentAway;

    /**
     * On SIGTERM, first: Quarkus fires this before it stops anything (quarkus.shutdown.delay-enabled), while the
     * WebSocket server still runs. Later, at ShutdownEvent, the server has already closed the connections itself
     * with a plain 1000, which tells a client nothing (seen with a real SIGTERM in RealtimeEndToEndTest).
     */
    void onShutdownStarting(@Observes ShutdownDelayInitiatedEvent event) {
        goAway();
    }

    /** When the shutdown had no delay phase (a programmatic stop): before the readers and signals stop. */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        goAway();
    }

    public synchronized void goAway() {
        if (wentAway) {
            return;
        }
        wentAway = true;
        gate.drain();
        int open = rooms.sessions().size();
        for (Session session : rooms.sessions()) {
            session.close(CloseCodes.GOING_AWAY, "server shutting down, reconnect");
        }
        presence.announceAllGone();
        long deadline = System.nanoTime() + config.shutdownDrain().toNanos();
        while (!rooms.sessions().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (open > 0) {
            LOG.infof("Shutdown: closed %d connections, %d still open after the drain", open, rooms.sessions().size());
        }
    }
}
