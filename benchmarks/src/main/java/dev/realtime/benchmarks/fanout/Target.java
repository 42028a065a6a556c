package dev.realtime.benchmarks.fanout;

import java.util.List;
import java.util.Map;

/** A server under test with its producer: realtime-edge fed through Kafka, or Socket.IO fed through Redis. */
interface Target extends AutoCloseable {

    /** Server memory: resident set size and, where the runtime reports it, live heap; bytes, -1 if unknown. */
    record Memory(long rss, long heapUsed) {
    }

    String name();

    LoadClients.Wire wire();

    int port();

    /** Starts a fresh server process (stopping the previous one) and returns when it accepts clients. */
    void restart();

    /** Stops the server (the other server's steps run without it). */
    void stop();

    long serverPid();

    /** Processes on the harness's core that work for this target (Redis, the emitter), for the CPU accounting. */
    List<Long> helperPids();

    /** Starts sending {@code eventsPerSecond} events tagged with {@code step}, each to one random room. */
    void startProducing(int step, double eventsPerSecond);

    /** Stops the producer; how many events it sent to each room since {@link #startProducing}. */
    Map<String, Long> stopProducing();

    /** The server's memory, after a full collection when {@code collect}. */
    Memory memory(boolean collect);

    /** The server's live heap by class, largest first (a JVM's class histogram); empty where there is none. */
    default String heapHistogram() {
        return "";
    }

    /**
     * Send-to-receive latencies (microseconds) of a plain consumer of the same broker during the last production,
     * where the target has one (the edge: a Kafka consumer in the harness); empty otherwise.
     */
    long[] baselineLatencies();

    /**
     * Whether the plain consumer reads during the next step. It works on the harness's core for every record, so it
     * runs only at the rates where its latency is compared (fanout.kafka-only-max-rate), not where the harness's core
     * is the scarce part.
     */
    default void measureBaseline(boolean on) {
    }

    @Override
    void close();
}
