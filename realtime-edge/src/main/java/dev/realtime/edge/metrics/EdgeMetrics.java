package dev.realtime.edge.metrics;

import dev.realtime.edge.protocol.CloseCodes;
import dev.realtime.edge.protocol.ServerFrames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Counters that several parts of the edge increment; gauges live next to the state they read. Registered at start
 * with 0, so that a dashboard or an alert on them has a series before the first event (a rate over a missing series is
 * no data, not zero).
 */
@ApplicationScoped
public class EdgeMetrics {
    @Inject
    MeterRegistry meters;

    void registerAtStart(@Observes StartupEvent event) {
        overflowCounter();
        catchUpCounter();
        CloseCodes.ALL.forEach(this::closeCounter);
        ServerFrames.REFUSAL_CODES.forEach(this::refusedCounter);
        socketIoUpgradeCounter();
    }

    /** A Socket.IO session moved from HTTP long-polling to a WebSocket. */
    public void socketIoUpgraded() {
        socketIoUpgradeCounter().increment();
    }

    private Counter socketIoUpgradeCounter() {
        return Counter.builder("realtime.edge.socketio.upgrades")
                .description("Socket.IO sessions upgraded from HTTP long-polling to a WebSocket")
                .register(meters);
    }

    public void sendQueueOverflow() {
        overflowCounter().increment();
    }

    public void catchUp() {
        catchUpCounter().increment();
    }

    public void closed(int code) {
        closeCounter(code).increment();
    }

    public void refused(String code) {
        refusedCounter(code).increment();
    }

    private Counter overflowCounter() {
        return Counter.builder("realtime.edge.send.queue.overflows")
                .description("Times a connection fell behind: live frames found its send queue full and were dropped,"
                        + " to be caught up once it reads the queue down")
                .register(meters);
    }

    private Counter catchUpCounter() {
        return Counter.builder("realtime.edge.catch.ups")
                .description("Catch-ups of connections that fell behind: their rooms replayed after the last seq sent")
                .register(meters);
    }

    private Counter refusedCounter(String code) {
        return Counter.builder("realtime.edge.frames.refused")
                .description("Client frames answered with an error frame, by error code")
                .tag("code", code)
                .register(meters);
    }

    private Counter closeCounter(int code) {
        return Counter.builder("realtime.edge.closes")
                .description("Connections the edge closed, by close code")
                .tag("code", Integer.toString(code))
                .register(meters);
    }
}
