package dev.realtime.benchmarks.activity;

import dev.realtime.benchmarks.Postgres;
import dev.realtime.benchmarks.Stats;
import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackConfig;
import dev.realtime.launcher.StackService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Feed read latency of activity-service: GET of a page of 50 from a project with 100,000 activities, first page and
 * deep cursor pages, through the real packaged service with real tokens. A harness, not a test: it prints figures and
 * checks only that every answer is a full, correctly ordered page. See benchmarks/README.md, "activity-service feed".
 */
public final class ActivityFeedBenchmark {
    private static final Logger[] QUIET = {
            Logger.getLogger("kafka"), Logger.getLogger("org.apache.kafka"), Logger.getLogger("state.change.logger"),
            Logger.getLogger("org.apache.kafka.controller"), Logger.getLogger("org.apache.kafka.clients.NetworkClient"),
            Logger.getLogger("org.jose4j"), Logger.getLogger("dev.realtime.launcher") };
    private static final Pattern SEQS = Pattern.compile("\"seq\":(\\d+)");
    private static final int PAGE = 50;
    private static final int ACTORS = 20;

    private final int activities = Integer.getInteger("activity.bench.activities", 100_000);
    private final int viaRest = Integer.getInteger("activity.bench.rest-activities", 1_000);
    private final int warmupRequests = Integer.getInteger("activity.bench.warmup-requests", 3_000);
    private final int rounds = Integer.getInteger("activity.bench.rounds", 5);
    private final int perRound = Integer.getInteger("activity.bench.requests-per-round", 400);
    private final int clients = Integer.getInteger("activity.bench.clients", 8);
    private final Duration throughputDuration = Duration.ofSeconds(Integer.getInteger("activity.bench.throughput-seconds", 10));
    private final String serviceJvm = System.getProperty("activity.bench.service-jvm", "-Xmx512m");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicLong badPages = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private String base;
    private String token;
    private String projectId;
    private long latestSeq;

    private ActivityFeedBenchmark() {
    }

    public static void main(String... args) throws Exception {
        for (Logger logger : QUIET) {
            logger.setLevel(Level.WARNING);
        }
        int exit = new ActivityFeedBenchmark().run();
        System.exit(exit);
    }

    private int run() throws Exception {
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        long begin = System.nanoTime();
        List<String> jvm = new ArrayList<>(List.of(serviceJvm.trim().split("\\s+")));
        // The feed read touches neither Kafka nor the relay; a relay publishing the seeded log would compete for the CPUs.
        jvm.add("-Deventstore.relay.enabled=false");
        StackConfig config = StackConfig.forTests().withServices(EnumSet.of(StackService.ACTIVITY)).withServiceJvmOptions(jvm);
        System.out.println("Starting Kafka (embedded), the development OIDC issuer and activity-service "
                + config.serviceJar(StackService.ACTIVITY) + " with " + String.join(" ", jvm));
        System.out.println("Load average before the run: " + loadAverage());
        try (LocalStack stack = LocalStack.start(config)) {
            base = stack.activityUrl();
            System.out.printf(Locale.ROOT, "Stack ready in %.1f s: %s (log %s)%n", (System.nanoTime() - begin) / 1e9,
                    base, stack.logFile(StackService.ACTIVITY));
            String owner = "bench-owner";
            token = stack.issuer().token(owner);
            String serviceToken = stack.issuer().token("svc-bench", List.of("service"), Duration.ofHours(2));
            Map<String, Object> environment = environment(config);

            long setup = System.nanoTime();
            projectId = "bench-" + started.format(DateTimeFormatter.ofPattern("HHmmss"));
            send("POST", "/api/projects", "{\"id\":\"" + projectId + "\",\"title\":\"Benchmark project\"}", token, 201);
            for (int i = 0; i < ACTORS; i++) {
                send("POST", "/api/projects/" + projectId + "/members",
                        "{\"userId\":\"" + actor(i) + "\",\"displayName\":\"" + actor(i).toUpperCase(Locale.ROOT) + "\"}",
                        token, 200);
            }
            int viaSql = Math.max(0, activities - viaRest);
            long sqlStart = System.nanoTime();
            seed(config, viaSql);
            double sqlSeconds = (System.nanoTime() - sqlStart) / 1e9;
            long restStart = System.nanoTime();
            for (int i = 0; i < activities - viaSql; i++) {
                String body = String.format(Locale.ROOT, "{\"verb\":\"%s\",\"actor\":{\"id\":\"%s\"},\"target\":"
                        + "{\"type\":\"track\",\"id\":\"t-%d\",\"title\":\"Track %d\"},\"details\":{\"n\":%d}}",
                        i % 2 == 0 ? "comment:created" : "file:uploaded", actor(i % ACTORS), i % 50, i % 50, i);
                send("POST", "/api/projects/" + projectId + "/activities", body, serviceToken, 201);
            }
            double restSeconds = (System.nanoTime() - restStart) / 1e9;
            latestSeq = latest();
            System.out.printf(Locale.ROOT, "Seeded %,d activities (%,d as log events and read-model rows in one SQL"
                            + " statement in %.1f s, %,d through POST in %.1f s = %.0f/s); project %s at seq %,d;"
                            + " set-up %.0f s%n", activities, viaSql, sqlSeconds, activities - viaSql, restSeconds,
                    (activities - viaSql) / Math.max(restSeconds, 1e-9), projectId, latestSeq,
                    (System.nanoTime() - setup) / 1e9);
            environment.put("seededViaSql", viaSql);
            environment.put("seededViaRest", activities - viaSql);
            environment.put("restPostsPerSecondSequential", Math.round((activities - viaSql) / Math.max(restSeconds, 1e-9)));

            SplittableRandom random = new SplittableRandom(42);
            List<Scenario> scenarios = List.of(
                    new Scenario("first page", i -> feed(null, "")),
                    new Scenario("deep cursor page", i -> feed(deep(random), "")),
                    new Scenario("first page, group=true", i -> feed(null, "&group=true")),
                    new Scenario("deep page, verb filter", i -> feed(deepFiltered(random), "&verb=comment:created")),
                    new Scenario("deep page, actor filter", i -> feed(deepFiltered(random), "&actor=" + actor(i % ACTORS))),
                    new Scenario("unseen count, none seen", i -> "/api/projects/" + projectId + "/seen", false));

            System.out.printf(Locale.ROOT, "JVM warm-up (not reported): %,d requests of every scenario%n", warmupRequests);
            long warm = System.nanoTime();
            for (int i = 0; i < warmupRequests; i++) {
                for (Scenario scenario : scenarios) {
                    timed(scenario, i);
                }
            }
            System.out.printf(Locale.ROOT, "  %.0f s%n", (System.nanoTime() - warm) / 1e9);

            List<Map<String, Object>> results = new ArrayList<>();
            StringBuilder table = new StringBuilder();
            table.append(String.format(Locale.ROOT, "%n%-28s | %9s | %9s | %9s | %9s | %s%n", "scenario (1 client)",
                    "p50 ms", "p99 ms", "max ms", "req/s", "rounds p50 / p99 (min..max)"));
            for (Scenario scenario : scenarios) {
                List<Double> p50s = new ArrayList<>();
                List<Double> p99s = new ArrayList<>();
                double max = 0;
                long count = 0;
                long wall = System.nanoTime();
                for (int round = 0; round < rounds; round++) {
                    long[] samples = new long[perRound];
                    for (int i = 0; i < perRound; i++) {
                        samples[i] = timed(scenario, i);
                    }
                    Arrays.sort(samples);
                    p50s.add(percentileMillis(samples, 50));
                    p99s.add(percentileMillis(samples, 99));
                    max = Math.max(max, samples[samples.length - 1] / 1e6);
                    count += samples.length;
                }
                double rate = count / ((System.nanoTime() - wall) / 1e9);
                String row = String.format(Locale.ROOT, "%-28s | %9.2f | %9.2f | %9.1f | %9.0f | %.2f..%.2f / %.2f..%.2f",
                        scenario.name(), Stats.median(p50s), Stats.median(p99s), max, rate, Stats.min(p50s),
                        Stats.max(p50s), Stats.min(p99s), Stats.max(p99s));
                table.append(row).append('\n');
                System.out.println(row);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("scenario", scenario.name());
                result.put("p50ms", Stats.median(p50s));
                result.put("p99ms", Stats.median(p99s));
                result.put("maxMs", max);
                result.put("roundsP50", p50s);
                result.put("roundsP99", p99s);
                result.put("requestsPerSecond", rate);
                results.add(result);
            }

            // Concurrent readers: first and deep pages mixed, closed loop.
            List<List<Long>> concurrentSamples = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long deadline = System.nanoTime() + throughputDuration.toNanos();
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    List<Long> samples = new ArrayList<>();
                    SplittableRandom own = new SplittableRandom(client);
                    int i = 0;
                    while (System.nanoTime() < deadline) {
                        Scenario s = i % 2 == 0 ? new Scenario("first", n -> feed(null, ""))
                                : new Scenario("deep", n -> feed(deep(own), ""));
                        samples.add(timed(s, i++));
                    }
                    return samples;
                }));
            }
            for (Future<List<Long>> future : futures) {
                concurrentSamples.add(future.get());
            }
            pool.shutdown();
            long[] all = concurrentSamples.stream().flatMap(List::stream).mapToLong(Long::longValue).sorted().toArray();
            String concurrent = String.format(Locale.ROOT, "%d clients, first+deep pages | %9.2f | %9.2f | %9.1f | %9.0f |",
                    clients, percentileMillis(all, 50), percentileMillis(all, 99), all[all.length - 1] / 1e6,
                    all.length / (double) throughputDuration.toSeconds());
            table.append(concurrent).append('\n');
            System.out.println(concurrent);

            String summary = String.format(Locale.ROOT, "%nActivity feed read latency, page of %d, project with %,d activities"
                            + " (latest seq %,d), %d rounds of %d requests per scenario, median of the rounds' p50 and p99:%s"
                            + "%nbad pages: %d, errors: %d%nEnvironment: %s%n", PAGE, activities, latestSeq, rounds, perRound,
                    table, badPages.get(), errors.get(), environment);
            System.out.print(summary);
            write(started, summary, results, environment);
            return badPages.get() == 0 && errors.get() == 0 ? 0 : 1;
        }
    }

    /** {@code page}: the answer is a feed page, checked to hold 50 items newest first. */
    private record Scenario(String name, IntFunction<String> request, boolean page) {
        Scenario(String name, IntFunction<String> request) {
            this(name, request, true);
        }
    }

    /** One GET; its duration in ns. A page that is not full or not strictly newest first is counted as bad. */
    private long timed(Scenario scenario, int i) {
        String path = scenario.request().apply(i);
        long start = System.nanoTime();
        String body = get(path);
        long took = System.nanoTime() - start;
        if (body == null) {
            return took;
        }
        if (!scenario.page()) {
            if (!body.contains("\"unseenCount\":")) {
                badPages.incrementAndGet();
            }
            return took;
        }
        Matcher m = SEQS.matcher(body);
        long previous = Long.MAX_VALUE;
        int n = 0;
        while (m.find()) {
            long seq = Long.parseLong(m.group(1));
            if (seq >= previous) {
                // group=true repeats the items inside the entries: only the first list (items) is checked.
                break;
            }
            previous = seq;
            n++;
        }
        if (n != PAGE) {
            badPages.incrementAndGet();
        }
        return took;
    }

    /** A cursor anywhere with a full page below it (seq 1 is project:created, not an activity). */
    private long deep(SplittableRandom random) {
        return PAGE + 2 + random.nextLong(latestSeq - PAGE - 1);
    }

    /** A cursor in the newer 90 %, where every filter of the scenarios still has a full page below. */
    private long deepFiltered(SplittableRandom random) {
        return latestSeq / 10 + random.nextLong(latestSeq - latestSeq / 10);
    }

    private String feed(Long before, String extra) {
        return "/api/projects/" + projectId + "/activities?limit=" + PAGE + (before == null ? "" : "&before=" + before) + extra;
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                errors.incrementAndGet();
                return null;
            }
            return response.body();
        } catch (Exception e) {
            errors.incrementAndGet();
            return null;
        }
    }

    private void send(String method, String path, String json, String bearer, int expected) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private long latest() {
        Matcher m = Pattern.compile("\"latestSeq\":(\\d+)").matcher(get(feed(null, "")));
        if (!m.find()) {
            throw new IllegalStateException("no latestSeq in the feed");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Appends {@code count} activity events to the project's stream and writes the feed rows the service's projection
     * writes for them, in one statement: the shapes are those of activity.ActivityRecorded.v1 and act_activities
     * (docs/activity-api.md). Through POST this would take minutes on 2 cores (the run prints the POST rate).
     */
    private void seed(StackConfig config, int count) throws Exception {
        if (count == 0) {
            return;
        }
        String sql = """
                WITH src AS MATERIALIZED (
                  SELECT g AS n, gen_random_uuid() AS aid,
                         (ARRAY['comment:created','file:uploaded','cut:created','cut:moved','comment:reply','vibe:created'])[1 + g % 6] AS verb,
                         'bench-user-' || lpad(((g * 7) % 20)::text, 2, '0') AS actor,
                         (ARRAY['track','file','cut'])[1 + g % 3] AS ttype,
                         't-' || (g % 500) AS tid,
                         date_trunc('milliseconds', now()) - ((? - g) * interval '30 seconds') AS at
                  FROM generate_series(1, ?) g
                ), ev AS (
                  INSERT INTO es_events (event_id, stream_id, version, type, data, metadata, recorded_at)
                  SELECT gen_random_uuid(), ?, ? + n, 'activity.ActivityRecorded.v1',
                         jsonb_build_object('activityId', aid, 'verb', verb,
                           'actor', jsonb_build_object('id', actor, 'name', upper(actor)),
                           'target', jsonb_build_object('type', ttype, 'id', tid, 'title', 'Item ' || tid,
                              'link', 'https://app.example.test/projects/' || ? || '/' || ttype || '/' || tid),
                           'occurredAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                           'details', jsonb_build_object('n', n), 'source', 'api:svc-bench'),
                         jsonb_build_object('actor', actor, 'correlationId', gen_random_uuid()),
                         at
                  FROM src
                )
                INSERT INTO act_activities (id, project_id, seq, verb, actor_id, actor_name, target_type, target_id,
                    target_title, target_link, occurred_at, details, source)
                SELECT aid, ?, ? + n, verb, actor, upper(actor), ttype, tid, 'Item ' || tid,
                       'https://app.example.test/projects/' || ? || '/' || ttype || '/' || tid, at,
                       '{"n":' || n || '}', 'api:svc-bench'
                FROM src
                """;
        try (Connection connection = Postgres.connect(config, config.activityDatabase())) {
            connection.setAutoCommit(false);
            long version;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT version FROM act_projects WHERE id = ? FOR UPDATE")) {
                select.setString(1, projectId);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    version = rs.getLong(1);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                int p = 1;
                insert.setInt(p++, count);
                insert.setInt(p++, count);
                insert.setString(p++, "project:" + projectId);
                insert.setLong(p++, version);
                insert.setString(p++, projectId);
                insert.setString(p++, projectId);
                insert.setLong(p++, version);
                insert.setString(p++, projectId);
                insert.executeUpdate();
            }
            try (PreparedStatement update = connection.prepareStatement("UPDATE act_projects SET version = ? WHERE id = ?")) {
                update.setLong(1, version + count);
                update.setString(2, projectId);
                update.executeUpdate();
            }
            connection.commit();
            try (Statement analyze = connection.createStatement()) {
                connection.setAutoCommit(true);
                analyze.execute("ANALYZE act_activities");
                analyze.execute("ANALYZE es_events");
            }
        }
    }

    private static String actor(int i) {
        return String.format(Locale.ROOT, "bench-user-%02d", i);
    }

    /** The nearest-rank percentile of nanosecond samples sorted ascending, in milliseconds. */
    private static double percentileMillis(long[] sorted, double p) {
        return Stats.millis(Stats.percentile(sorted, p));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private Map<String, Object> environment(StackConfig config) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("serviceJvm", String.join(" ", config.serviceJvmOptions()));
        env.put("serviceJar", config.serviceJar(StackService.ACTIVITY).toString());
        Postgres.putSettings(env, config, config.activityDatabase(),
                List.of("server_version", "shared_buffers", "synchronous_commit"));
        return env;
    }

    private void write(OffsetDateTime started, String summary, List<Map<String, Object>> results,
            Map<String, Object> environment) {
        try {
            Path dir = Path.of(System.getProperty("activity.bench.results-dir", "target/results")).toAbsolutePath();
            Files.createDirectories(dir);
            Path file = dir.resolve("activity-feed-" + started.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".md");
            Files.writeString(file, "```\n" + summary + "\n```\n\n" + results + "\n");
            System.out.println("Written to " + file);
        } catch (Exception e) {
            System.out.println("Could not write the results: " + e);
        }
    }
}
