package dev.realtime.benchmarks.chat;

import dev.realtime.benchmarks.Stats;
import dev.realtime.benchmarks.chat.ChatWorkload.Post;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** The closed-loop (throughput) and open-loop (paced) scenarios. */
final class ChatScenarios {

    /** Closed loop: {@code clients} threads posting back to back. */
    record ThroughputResult(String scenario, int clients, double median, double min, double max,
            double spreadPercent, List<Double> roundRates, long created, long tooManyRequests, long errors,
            Latency http, Latency eventFromResponse, Latency eventFromSend, int missing, StackCpu.Usage cpu) {
    }

    /** Open loop: post i is due at start + i / rate, whatever happened before; a pool of senders sends it. */
    record OpenLoopResult(String scenario, double targetRate, int senders, int posts, double achievedRate,
            long created, long tooManyRequests, long errors, Latency sendLag, Latency http, Latency eventFromResponse,
            Latency eventFromSend, int missing, StackCpu.Usage cpu, Map<String, Long> slowestBySecond) {
    }

    private final ChatWorkload workload;
    private final MessageEventConsumer consumer;
    private final Duration drainTimeout;
    private final long servicePid;
    private final String database;

    ChatScenarios(ChatWorkload workload, MessageEventConsumer consumer, Duration drainTimeout, long servicePid,
            String database) {
        this.workload = workload;
        this.consumer = consumer;
        this.drainTimeout = drainTimeout;
        this.servicePid = servicePid;
        this.database = database;
    }

    /**
     * Closed loop with {@code clients} until chat-service's JIT compilers use less than {@code jitBelow} % of the
     * machine over a 5 s step, after at least {@code min} and at most {@code max}; then waits for the records.
     * Returns how long it ran.
     */
    Duration warmUp(int clients, Duration min, Duration max, double jitBelow) throws InterruptedException {
        long start = System.nanoTime();
        long step = TimeUnit.SECONDS.toNanos(5);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        ClosedLoopClients posting = ClosedLoopClients.start(workload, clients, "chat-bench-warmup-", () -> !stop.get());
        long previousCount = workload.created.sum();
        long previousTime = start;
        for (int s = 1; ; s++) {
            StackCpu cpu = StackCpu.start(servicePid, database);
            sleepUntil(start + s * step);
            StackCpu.Usage usage = cpu.usage();
            long count = workload.created.sum();
            long now = System.nanoTime();
            System.out.printf(Locale.ROOT, "  warm-up %3d s: %.0f posts/s, cpu h/s/pg/o (jit) %s%n",
                    TimeUnit.NANOSECONDS.toSeconds(now - start), (count - previousCount) / ((now - previousTime) / 1e9),
                    usage.brief());
            previousCount = count;
            previousTime = now;
            long elapsed = now - start;
            if (elapsed >= max.toNanos() || (elapsed >= min.toNanos() && usage.serviceJit() < jitBelow)) {
                break;
            }
        }
        stop.set(true);
        outcome(posting.joinAll());
        return Duration.ofNanos(System.nanoTime() - start);
    }

    ThroughputResult closedLoop(String scenario, int clients, Duration warmup, Duration round, int rounds)
            throws InterruptedException {
        long start = System.nanoTime();
        long measureStart = start + warmup.toNanos();
        long end = measureStart + rounds * round.toNanos();
        ClosedLoopClients posting = ClosedLoopClients.start(workload, clients, "chat-bench-client-",
                () -> System.nanoTime() < end);
        sleepUntil(measureStart);
        StackCpu cpu = StackCpu.start(servicePid, database);
        long previousCount = workload.created.sum();
        long previousTime = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            sleepUntil(measureStart + (r + 1) * round.toNanos());
            long count = workload.created.sum();
            long now = System.nanoTime();
            double rate = (count - previousCount) / ((now - previousTime) / 1e9);
            rates.add(rate);
            System.out.printf(Locale.ROOT, "  %s round %d/%d: %.0f posts/s%n", scenario, r + 1, rounds, rate);
            previousCount = count;
            previousTime = now;
        }
        StackCpu.Usage usage = cpu.usage();
        List<Post> measured = new ArrayList<>();
        for (Post post : posting.joinAll()) {
            if (post.done() >= measureStart && post.done() < end) {
                measured.add(post);
            }
        }
        Outcome outcome = outcome(measured);
        double median = Stats.median(rates);
        double min = Stats.min(rates);
        double max = Stats.max(rates);
        return new ThroughputResult(scenario, clients, median, min, max, (max - min) / median * 100, rates,
                outcome.created, outcome.tooMany, outcome.errors, outcome.http, outcome.fromResponse,
                outcome.fromSend, outcome.missing, usage);
    }

    OpenLoopResult openLoop(String scenario, double rate, Duration warmup, Duration duration, int senders)
            throws InterruptedException {
        int warmupPosts = (int) Math.round(rate * warmup.toMillis() / 1000.0);
        int total = warmupPosts + (int) Math.round(rate * duration.toMillis() / 1000.0);
        Post[] posts = new Post[total];
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(senders, runnable -> {
            Thread thread = new Thread(runnable, "chat-bench-sender");
            thread.setDaemon(true);
            return thread;
        });
        pool.prestartAllCoreThreads();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        // The meter reads /proc for every process: taken on the dispatching thread it held back the posts due
        // meanwhile, which then went out in a burst (seen as the slowest posts clustering at the window's start).
        long measuredFrom = start + Math.round(warmupPosts * 1e9 / rate);
        CompletableFuture<StackCpu> cpu = CompletableFuture.supplyAsync(() -> {
            sleepUntil(measuredFrom);
            return StackCpu.start(servicePid, database);
        }, runnable -> {
            Thread thread = new Thread(runnable, "chat-bench-cpu-meter");
            thread.setDaemon(true);
            thread.start();
        });
        for (int i = 0; i < total; i++) {
            long due = start + Math.round(i * 1e9 / rate);
            sleepUntil(due);
            int index = i;
            pool.execute(() -> posts[index] = workload.postNext(due));
        }
        shutdown(pool);
        StackCpu.Usage usage = total > warmupPosts ? cpu.join().usage() : StackCpu.Usage.NONE;
        List<Post> measured = Arrays.asList(posts).subList(warmupPosts, total);
        Outcome outcome = outcome(measured);
        long firstDue = measured.isEmpty() ? 0 : measured.get(0).due();
        long lastDone = measured.stream().mapToLong(Post::done).max().orElse(firstDue);
        double achieved = outcome.created / ((lastDone - firstDue) / 1e9);
        Latency lag = Latency.ofNanos(measured.stream().mapToLong(p -> p.sent() - p.due()).toArray());
        Map<String, Long> slowest = slowestBySecond(measured, firstDue, outcome.fromSend.p99());
        System.out.printf(Locale.ROOT, "  %s: %d posts, achieved %.0f posts/s, HTTP p99 %.1f ms, event p99 %.1f ms%n"
                + "    posts slower than send p99, by second of the scenario: %s%n",
                scenario, measured.size(), achieved, outcome.http.p99(), outcome.fromResponse.p99(), slowest);
        return new OpenLoopResult(scenario, rate, senders, measured.size(), achieved, outcome.created,
                outcome.tooMany, outcome.errors, lag, outcome.http, outcome.fromResponse, outcome.fromSend,
                outcome.missing, usage, slowest);
    }

    /**
     * When the slowest 1 % were sent (send -> record above the p99), counted per 100 ms of the scenario ("3.4s"),
     * the busiest first: a few windows holding most of them point to a stall (a pause, a lock, a burst of other
     * work), a spread over the whole run to queueing.
     */
    private Map<String, Long> slowestBySecond(List<Post> measured, long firstDue, double p99Millis) {
        Map<Long, Long> counts = new TreeMap<>();
        for (Post post : measured) {
            Long arrival = post.messageId() == null ? null : consumer.arrival(post.messageId());
            if (arrival != null && (arrival - post.sent()) / 1e6 > p99Millis) {
                counts.merge((post.sent() - firstDue) / 100_000_000L, 1L, Long::sum);
            }
        }
        Map<String, Long> busiest = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
                .limit(8)
                .forEach(e -> busiest.put(String.format(Locale.ROOT, "%.1fs", e.getKey() / 10.0), e.getValue()));
        return busiest;
    }

    /** {@code clients} threads, each posting back to back while {@code keepPosting} holds, each into its own list. */
    private record ClosedLoopClients(List<Thread> threads, List<List<Post>> perClient) {
        static ClosedLoopClients start(ChatWorkload workload, int clients, String threadNamePrefix,
                BooleanSupplier keepPosting) {
            List<List<Post>> perClient = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                List<Post> mine = new ArrayList<>();
                perClient.add(mine);
                Thread thread = new Thread(() -> {
                    while (keepPosting.getAsBoolean()) {
                        mine.add(workload.postNext(0));
                    }
                }, threadNamePrefix + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            return new ClosedLoopClients(threads, perClient);
        }

        /** Waits for every client to stop; all their posts, client by client. */
        List<Post> joinAll() throws InterruptedException {
            for (Thread thread : threads) {
                thread.join();
            }
            List<Post> all = new ArrayList<>();
            perClient.forEach(all::addAll);
            return all;
        }
    }

    private record Outcome(long created, long tooMany, long errors, Latency http, Latency fromResponse,
            Latency fromSend, int missing) {
    }

    /** Status counts, HTTP latency of the 201s, and post -> record latencies once every record arrived. */
    private Outcome outcome(List<Post> posts) throws InterruptedException {
        List<Post> created = posts.stream().filter(p -> p.created() && p.messageId() != null).toList();
        long tooMany = posts.stream().filter(p -> p.status() == 429).count();
        long errors = posts.size() - created.size() - tooMany;
        int missing = consumer.awaitAll(created.stream().map(Post::messageId).toList(), drainTimeout);
        long[] http = created.stream().mapToLong(p -> p.done() - p.sent()).toArray();
        long[] fromResponse = new long[created.size() - missing];
        long[] fromSend = new long[created.size() - missing];
        int n = 0;
        for (Post post : created) {
            Long arrival = consumer.arrival(post.messageId());
            if (arrival != null && n < fromResponse.length) {
                fromResponse[n] = arrival - post.done();
                fromSend[n] = arrival - post.sent();
                n++;
            }
        }
        return new Outcome(created.size(), tooMany, errors, Latency.ofNanos(http),
                Latency.ofNanos(Arrays.copyOf(fromResponse, n)), Latency.ofNanos(Arrays.copyOf(fromSend, n)), missing);
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(2, TimeUnit.MINUTES)) {
            pool.shutdownNow();
            throw new IllegalStateException("open-loop senders still busy after 2 minutes");
        }
    }

    static void sleepUntil(long deadline) {
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
