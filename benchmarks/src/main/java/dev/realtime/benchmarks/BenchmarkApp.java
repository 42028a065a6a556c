package dev.realtime.benchmarks;

import dev.realtime.eventstore.relay.RelayService;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.testkit.KafkaBroker;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Runs the scenarios named by {@code bench.scenarios}, prints the result tables and writes them to files. */
public class BenchmarkApp implements QuarkusApplication {

    @Inject
    EventStore store;

    @Inject
    RelayService relay;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "bench.scenarios")
    Set<String> scenarios;

    @ConfigProperty(name = "bench.warmup")
    Duration warmup;

    @ConfigProperty(name = "bench.jvm-warmup")
    Duration jvmWarmup;

    @ConfigProperty(name = "bench.round")
    Duration round;

    @ConfigProperty(name = "bench.rounds")
    int rounds;

    @ConfigProperty(name = "bench.streams")
    int streams;

    @ConfigProperty(name = "bench.clients")
    List<Integer> clients;

    @ConfigProperty(name = "bench.command-ids")
    boolean commandIds;

    @ConfigProperty(name = "bench.relay.rate")
    double relayRate;

    @ConfigProperty(name = "bench.relay.warmup-events")
    int relayWarmupEvents;

    @ConfigProperty(name = "bench.relay.events")
    int relayEvents;

    @ConfigProperty(name = "bench.relay.full-speed-events")
    int fullSpeedEvents;

    @ConfigProperty(name = "bench.relay.full-speed-clients")
    int fullSpeedClients;

    @ConfigProperty(name = "bench.relay.streams")
    int relayStreams;

    @ConfigProperty(name = "bench.relay.timeout")
    Duration relayTimeout;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.datasource.reactive.max-size")
    int poolSize;

    @ConfigProperty(name = "bench.database", defaultValue = "?")
    String database;

    @Override
    public int run(String... args) throws Exception {
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        Map<String, Object> environment = environment();
        Map<String, Object> settings = settings();
        System.out.println("Environment: " + environment);
        System.out.println("Settings:    " + settings);
        CpuMeter.Usage idle = CpuMeter.sample(2000);
        environment.put("cpuBeforeRun", "machine " + Math.round(idle.machine()) + "%, jvm/pg/other (jit) " + idle.brief());
        System.out.println("CPU use before the run, % of all cores: jvm/pg/other (jit) " + idle.brief());
        if (idle.other() > 15) {
            System.out.printf("WARNING: other programs used %.0f%% of the CPUs before the run: the figures will be"
                    + " low and noisy%n", idle.other());
        }
        Appender appender = new Appender(store, commandIds);
        List<AppendBenchmark.Result> appendResults = new ArrayList<>();
        List<RelayLatencyBenchmark.Result> relayResults = new ArrayList<>();

        // Before the relay's first send: an auto-created topic makes its first produce requests fail over.
        LatencyConsumer.createTopic(bootstrapServers, BenchIntegrationMapper.TOPIC, KafkaBroker.PARTITIONS);
        AppendBenchmark append = new AppendBenchmark(appender);
        if (!jvmWarmup.isZero()) {
            // On 2 cores the JIT compilers keep a core busy for the first minute or so of this application
            // (Quarkus, Hibernate Reactive, Kafka broker and clients): load every path first, unmeasured.
            awaitRelayLeadership();
            progress("JVM warm-up: %s of appends (%d clients, %d streams) with the relay publishing", jvmWarmup,
                    clients.get(0), streams);
            append.run("jvm-warm-up", clients.get(0), streams, true, jvmWarmup, Duration.ZERO, 0);
        }

        if (scenarios.contains("relay")) {
            awaitRelayLeadership();
            try (LatencyConsumer consumer = new LatencyConsumer(bootstrapServers, BenchIntegrationMapper.TOPIC,
                    KafkaBroker.PARTITIONS)) {
                RelayLatencyBenchmark bench = new RelayLatencyBenchmark(appender, consumer);
                progress("relay warm-up: %d events at %.0f/s", relayWarmupEvents, relayRate);
                bench.paced("warm-up", relayRate, relayWarmupEvents, relayStreams, relayTimeout);
                progress("relay latency at %.0f events/s: %d events", relayRate, relayEvents);
                relayResults.add(bench.paced("relay.steady-" + (int) relayRate + "-per-s", relayRate, relayEvents,
                        relayStreams, relayTimeout));
                progress("relay latency at full speed: %d events, %d clients", fullSpeedEvents, fullSpeedClients);
                relayResults.add(bench.fullSpeed("relay.full-speed", fullSpeedEvents, fullSpeedClients, relayStreams,
                        relayTimeout));
            }
        }

        if (scenarios.contains("append-with-relay")) {
            awaitRelayLeadership();
            int n = clients.get(0);
            progress("append, %d streams, %d clients, relay publishing", streams, n);
            appendResults.add(append.run("append.many-streams+relay", n, streams, true, warmup, round, rounds));
        }
        if (scenarios.contains("append")) {
            relay.stop();
            progress("append, single stream, 1 client (relay stopped)");
            appendResults.add(append.run("append.single-stream", 1, 1, false, warmup, round, rounds));
            for (int n : clients) {
                progress("append, %d streams, %d clients (relay stopped)", streams, n);
                appendResults.add(append.run("append.many-streams", n, streams, false, warmup, round, rounds));
            }
        }

        environment.put("loadavgAtEnd", loadAverage());
        Report report = new Report(new RunInfo(started, environment, settings), appendResults, relayResults);
        System.out.println();
        System.out.println(report.text());
        report.write();
        return 0;
    }

    private void awaitRelayLeadership() throws InterruptedException {
        relay.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!relay.isLeader()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the relay did not start publishing within 30 s");
            }
            Thread.sleep(50);
        }
    }

    private static void progress(String format, Object... args) {
        System.out.printf("%tT  %s%n", System.currentTimeMillis(), String.format(format, args));
    }

    private Map<String, Object> environment() throws SQLException {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("cpu", cpuModel());
        env.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        env.put("loadavgAtStart", loadAverage());
        try (Connection connection = dataSource.getConnection()) {
            Postgres.putSettings(env, connection, List.of("server_version", "shared_buffers", "synchronous_commit",
                    "fsync", "wal_level", "max_connections"));
        }
        env.put("database", database);
        env.put("kafka", "embedded KRaft broker in the benchmark JVM, " + KafkaBroker.PARTITIONS + " partitions");
        return env;
    }

    /** The 1, 5 and 15 minute load averages: anything else busy on the machine shows here. */
    static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("?");
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    private Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("scenarios", scenarios);
        s.put("jvmWarmup", jvmWarmup.toString());
        s.put("warmup", warmup.toString());
        s.put("round", round.toString());
        s.put("rounds", rounds);
        s.put("streams", streams);
        s.put("clients", clients);
        s.put("commandIds", commandIds);
        s.put("reactivePoolSize", poolSize);
        s.put("relayRate", relayRate);
        s.put("relayEvents", relayEvents);
        s.put("fullSpeedEvents", fullSpeedEvents);
        s.put("fullSpeedClients", fullSpeedClients);
        s.put("relayStreams", relayStreams);
        return s;
    }
}
