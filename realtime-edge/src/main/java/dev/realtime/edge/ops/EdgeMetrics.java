package dev.realtime.edge.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Counters that several parts of the edge increment; gauges live next to the state they read. */
@ApplicationScoped
public class EdgeMetrics {
    @Inject
    MeterRegistry meters;

    public void sendQueueOverflow() {
        Counter.builder("realtime.edge.send.queue.overflows")
                .description("Times a connection fell behind: live frames found its send queue full and were dropped,"
                        + " to be caught up once it reads the queue down")
                .register(meters).increment();
    }

    public void catchUp() {
        Counter.builder("realtime.edge.catch.ups")
                .description("Catch-ups of connections that fell behind: their rooms replayed after the last seq sent")
                .register(meters).increment();
    }

    public void closed(int code) {
        Counter.builder("realtime.edge.closes")
                .description("Connections the edge closed, by close code")
                .tag("code", Integer.toString(code))
                .register(meters).increment();
    }

    public void refused(String code) {
        Counter.builder("realtime.edge.frames.refused")
                .description("Client frames answered with an error frame, by error code")
                .tag("code", code)
                .register(meters).increment();
    }
}
