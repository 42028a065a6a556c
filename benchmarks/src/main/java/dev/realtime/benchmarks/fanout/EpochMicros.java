package dev.realtime.benchmarks.fanout;

import java.time.Instant;

/**
 * Wall-clock time in epoch microseconds without allocating: the producers stamp events with it and the clients
 * subtract it on receipt. Every process of the benchmark runs on this machine and reads the same clock (Node.js
 * stamps with {@code performance.timeOrigin + performance.now()}, which is also a monotonic offset from one wall-clock
 * reading), so the difference is the send-to-receive latency.
 */
final class EpochMicros {
    private static final long BASE_MICROS;
    private static final long BASE_NANOS;

    static {
        Instant now = Instant.now();
        BASE_NANOS = System.nanoTime();
        BASE_MICROS = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private EpochMicros() {
    }

    static long now() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1_000;
    }
}
