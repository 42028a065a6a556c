package dev.realtime.edge.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Leaves out the HTTP server's {@code http.server.connections} long-task timer, whose open sample per TCP connection
 * (the timer's, a composite's and a skip-list entry: about 55 bytes of every idle WebSocket once a no-op sample
 * takes its place, issue 18) only says how
 * long connections have been open. How many are open stays: {@code http_server_active_connections}, and
 * {@code realtime_edge_sessions} for the edge's own.
 */
@Singleton
public class ConnectionDurations {
    static final String TIMER = "http.server.connections";

    @Produces
    @Singleton
    MeterFilter withoutConnectionDurations() {
        return MeterFilter.deny(id -> TIMER.equals(id.getName()));
    }
}
