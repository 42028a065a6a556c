package dev.realtime.benchmarks;

import dev.realtime.eventstore.store.ConcurrencyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop append rate: {@code clients} threads append one event at a time, each with the expected
 * version of the stream it appends to, as fast as the store answers. The streams are split between the
 * clients (stream i belongs to client i mod clients) and each client appends to its streams in turn, so
 * expected versions are known and no append should conflict (conflicts are counted, not hidden).
 *
 * <p>The load runs without pause from the start of the warm-up to the end of the last round; a round is a
 * window of wall time in which the completed appends are counted, so rounds have no ramp-up or ramp-down.
 */
final class AppendBenchmark {

    record Result(String scenario, int clients, int streams, boolean relayRunning, List<Double> roundRates,
            double median, double min, double max, long appendsMeasured, long conflicts, long errors,
            Stats.Latency appendLatency, CpuMeter.Usage cpu) {

        /** (max - min) / median, in percent. */
        double spreadPercent() {
            return (max - min) / median * 100;
        }
    }

    private final Appender appender;

    AppendBenchmark(Appender appender) {
        this.appender = appender;
    }

    Result run(String scenario, int clients, int streams, boolean relayRunning, Duration warmup, Duration round,
            int rounds) throws InterruptedException {
        String prefix = "conversation:" + scenario.replaceAll("[^A-Za-z0-9]", "") + "-"
                + UUID.randomUUID().toString().substring(0, 6) + "-";
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        LongAdder appended = new LongAdder();
        LongAdder conflicts = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        List<Stats.Samples> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<String> owned = streamsOfClient(prefix, c, clients, streams);
            if (owned.isEmpty()) {
                continue;
            }
            Stats.Samples samples = new Stats.Samples();
            latencies.add(samples);
            Thread thread = new Thread(() -> {
                long[] versions = new long[owned.size()];
                long n = 0;
                for (int i = 0; !stop.get(); i = (i + 1) % owned.size()) {
                    long begin = System.nanoTime();
                    try {
                        appender.append(owned.get(i), versions[i], ++n, null);
                        versions[i]++;
                        appended.increment();
                        if (measuring.get()) {
                            samples.add(System.nanoTime() - begin);
                        }
                    } catch (RuntimeException e) {
                        if (causedBy(e, ConcurrencyException.class)) {
                            conflicts.increment();
                            versions[i] = appender.streamVersion(owned.get(i));
                        } else {
                            errors.increment();
                            firstError.compareAndSet(null, e);
                            if (errors.sum() > 100) {
                                stop.set(true);
                            }
                        }
                    }
                }
            }, "bench-client-" + c);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        List<Double> rates = new ArrayList<>();
        CpuMeter cpu = null;
        CpuMeter.Usage cpuUsage = CpuMeter.Usage.NONE;
        try {
            Thread.sleep(warmup.toMillis());
            measuring.set(true);
            cpu = CpuMeter.start();
            StringBuilder perRound = new StringBuilder("  rounds (events/s, cpu jvm/pg/other (jit)):");
            for (int r = 0; r < rounds && !stop.get(); r++) {
                CpuMeter roundCpu = CpuMeter.start();
                long count0 = appended.sum();
                long t0 = System.nanoTime();
                Thread.sleep(round.toMillis());
                long count1 = appended.sum();
                long t1 = System.nanoTime();
                rates.add((count1 - count0) / ((t1 - t0) / 1e9));
                perRound.append(String.format(java.util.Locale.ROOT, " %.0f %s;", rates.get(r), roundCpu.usage().brief()));
            }
            if (rounds > 0) {
                System.out.println(perRound);
            }
            cpuUsage = cpu.usage();
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
        }
        if (firstError.get() != null) {
            System.out.println("  " + errors.sum() + " appends failed; first failure: " + firstError.get());
        }
        double median = Stats.median(rates);
        double min = Stats.min(rates);
        double max = Stats.max(rates);
        long[] samples = Stats.Samples.concat(latencies);
        return new Result(scenario, clients, streams, relayRunning, rates, median, min, max, samples.length,
                conflicts.sum(), errors.sum(), Stats.Latency.ofNanos(samples), cpuUsage);
    }

    /**
     * The streams client {@code client} appends to: stream i belongs to client i mod clients, so no two clients append
     * to one stream and each knows its streams' expected versions.
     */
    static List<String> streamsOfClient(String prefix, int client, int clients, int streams) {
        List<String> owned = new ArrayList<>();
        for (int s = client; s < streams; s += clients) {
            owned.add(prefix + s);
        }
        return owned;
    }

    static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
