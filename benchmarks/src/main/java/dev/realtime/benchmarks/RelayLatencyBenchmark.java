package dev.realtime.benchmarks;

import dev.realtime.eventstore.store.AppendResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Relay publish latency: for each appended event, the time from the commit (the append's Uni completed)
 * to its arrival in a Kafka consumer of the relay's topic, in the same JVM (same monotonic clock).
 *
 * <p>Paced mode is open loop: event g is due at start + g / rate, whatever happened to the previous ones,
 * and is handed to a pool of sender threads, so a slow append does not delay the schedule. Full speed is
 * closed loop: the clients append back to back. Every append carries the stream's expected version.
 */
final class RelayLatencyBenchmark {

    /**
     * {@code latency}: append's Uni completed -> consumer; {@code fromAppendStart}: append called -> consumer.
     * The commit itself lies between the two.
     */
    record Result(String scenario, double targetRate, int clients, int events, double achievedRate,
            Stats.Latency latency, double minMillis, long negative, Stats.Latency fromAppendStart, long missing,
            double drainMillis, long appendErrors, long duplicates, CpuMeter.Usage cpu) {
    }

    /** Per {@code stream#version}: when the append was called and when its Uni completed (nanoTime). */
    private record Times(long started, long committed) {
    }

    private static final int PACED_SENDERS = 32;

    private final Appender appender;
    private final LatencyConsumer consumer;

    RelayLatencyBenchmark(Appender appender, LatencyConsumer consumer) {
        this.appender = appender;
        this.consumer = consumer;
    }

    /**
     * What one scenario notes while it appends: its own streams, the commit times, the failures, and the CPU and the
     * consumer's duplicate count from its start, so that the summary covers this scenario alone.
     */
    private final class Run {
        final String prefix = "conversation:relay-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        final Map<String, Times> commits = new ConcurrentHashMap<>();
        final CpuMeter cpu = CpuMeter.start();
        final long duplicatesBefore = consumer.duplicates();
        final LongAdder errors = new LongAdder();
        final AtomicReference<Throwable> firstError = new AtomicReference<>();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Open loop at {@code rate} events/s: event g is due at start + g / rate and goes to stream g mod streams. */
    Result paced(String scenario, double rate, int events, int streams, Duration timeout) throws InterruptedException {
        Run run = new Run();
        // Enough threads that appends never wait for a free one at this rate; the reactive pool still
        // bounds the connections. Stream s gets its k-th event at start + (k * streams + s) / rate, long after
        // its previous append finished, so its expected version is simply k.
        ExecutorService senders = Executors.newFixedThreadPool(PACED_SENDERS, daemon("bench-relay-sender"));
        long start = System.nanoTime() + 20_000_000;
        try {
            for (int g = 0; g < events; g++) {
                long due = start + (long) (g * 1e9 / rate);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                String stream = run.prefix + (g % streams);
                long expected = g / streams;
                long n = g;
                senders.execute(() -> appendAndNote(run, stream, expected, n));
            }
        } finally {
            senders.shutdown();
            senders.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return summarize(run, scenario, rate, PACED_SENDERS, timeout);
    }

    /** Closed loop: {@code clients} threads append back to back, each to its own streams in turn. */
    Result fullSpeed(String scenario, int events, int clients, int streams, Duration timeout) throws InterruptedException {
        Run run = new Run();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<String> owned = AppendBenchmark.streamsOfClient(run.prefix, c, clients, streams);
            int share = events / clients + (c < events % clients ? 1 : 0);
            Thread thread = new Thread(() -> {
                long[] versions = new long[owned.size()];
                for (int k = 0; k < share; k++) {
                    int i = k % owned.size();
                    Long version = appendAndNote(run, owned.get(i), versions[i], k);
                    versions[i] = version != null ? version : appender.streamVersion(owned.get(i));
                }
            }, "bench-relay-client-" + c);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        return summarize(run, scenario, 0, clients, timeout);
    }

    /** Appends one event and notes its commit time under {@code stream#version}; the new version, or null. */
    private Long appendAndNote(Run run, String stream, long expected, long n) {
        long[] committedAt = new long[1];
        long started = System.nanoTime();
        try {
            AppendResult result = appender.append(stream, expected, n, at -> committedAt[0] = at);
            run.commits.put(result.streamId() + "#" + result.lastVersion(), new Times(started, committedAt[0]));
            return result.lastVersion();
        } catch (RuntimeException e) {
            run.errors.increment();
            run.firstError.compareAndSet(null, e);
            return null;
        }
    }

    private Result summarize(Run run, String scenario, double rate, int clients, Duration timeout)
            throws InterruptedException {
        Map<String, Times> commits = run.commits;
        if (run.firstError.get() != null) {
            System.out.println("  " + run.errors.sum() + " appends failed; first failure: " + run.firstError.get());
        }
        boolean complete = consumer.awaitAll(commits.keySet(), timeout);
        CpuMeter.Usage cpuUsage = run.cpu.usage();
        long firstCommit = commits.values().stream().mapToLong(Times::committed).min().orElse(0);
        long lastCommit = commits.values().stream().mapToLong(Times::committed).max().orElse(0);
        long lastArrival = Long.MIN_VALUE;
        long negative = 0;
        long missing = 0;
        long min = Long.MAX_VALUE;
        Stats.Samples samples = new Stats.Samples();
        Stats.Samples fromStart = new Stats.Samples();
        for (Map.Entry<String, Times> commit : commits.entrySet()) {
            Long arrival = consumer.arrival(commit.getKey());
            if (arrival == null) {
                missing++;
                continue;
            }
            long latency = arrival - commit.getValue().committed();
            negative += latency < 0 ? 1 : 0;
            min = Math.min(min, latency);
            lastArrival = Math.max(lastArrival, arrival);
            samples.add(latency);
            fromStart.add(arrival - commit.getValue().started());
        }
        if (Boolean.getBoolean("bench.debug")) {
            long offset = System.currentTimeMillis() * 1_000_000 - System.nanoTime();
            commits.entrySet().stream().filter(e -> consumer.arrival(e.getKey()) != null)
                    .sorted(java.util.Comparator.comparingLong(e -> consumer.arrival(e.getKey()) - e.getValue().committed()))
                    .limit(8).forEach(e -> {
                        long commit = e.getValue().committed();
                        long arrival = consumer.arrival(e.getKey());
                        long sentNanos = consumer.sentMillis(e.getKey()) * 1_000_000 - offset;
                        System.out.printf("  %s append@%.1f completed@%.1f relay-sent@%.1f arrived@%.1f (ms)%n",
                                e.getKey(), Stats.millis(e.getValue().started() - firstCommit),
                                Stats.millis(commit - firstCommit), Stats.millis(sentNanos - firstCommit),
                                Stats.millis(arrival - firstCommit));
                    });
        }
        if (!complete) {
            System.out.println("  " + missing + " events did not reach the consumer within " + timeout);
        }
        double achieved = commits.size() / Math.max(1e-9, (lastCommit - firstCommit) / 1e9);
        return new Result(scenario, rate, clients, commits.size(), achieved, Stats.Latency.ofNanos(samples.toArray()),
                min == Long.MAX_VALUE ? Double.NaN : Stats.millis(min), negative, Stats.Latency.ofNanos(fromStart.toArray()),
                missing, lastArrival == Long.MIN_VALUE ? Double.NaN : Stats.millis(lastArrival - lastCommit),
                run.errors.sum(), consumer.duplicates() - run.duplicatesBefore, cpuUsage);
    }
}
