package dev.realtime.benchmarks.fanout;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackConfig;
import dev.realtime.launcher.StackService;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fan-out side by side: realtime-edge and a Node.js Socket.IO server with the Redis adapter, each pinned alone on one
 * core, the same clients, rooms, payload and stepped rates; the load generator, the producers, Kafka and Redis on the
 * other core. A harness, not a test: it prints figures and asserts nothing. benchmarks/README.md, "Fan-out: edge and
 * Socket.IO", says what is measured and how to read it.
 */
public final class FanoutBenchmark {
    // Strong references: JUL keeps loggers weakly, a collected logger would forget its level.
    private static final Logger[] QUIET = {
            Logger.getLogger("kafka"), Logger.getLogger("org.apache.kafka"), Logger.getLogger("state.change.logger"),
            Logger.getLogger("org.apache.kafka.controller"), Logger.getLogger("org.apache.kafka.clients.NetworkClient"),
            Logger.getLogger("org.jose4j"), Logger.getLogger("dev.realtime.launcher"), Logger.getLogger("io.vertx"),
            // Netty asks its logger per WebSocket frame whether TRACE is on; under the log manager this JVM runs
            // with, it was, and formatting those messages took about 12 % of the harness's core during a step (JFR).
            Logger.getLogger("io.netty") };
    private static final URI SOURCE = URI.create("urn:realtime:benchmark");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(180);

    private FanoutBenchmark() {
    }

    public static void main(String... args) throws Exception {
        for (Logger logger : QUIET) {
            logger.setLevel(logger.getName().endsWith("controller") || logger.getName().endsWith("NetworkClient")
                    ? Level.SEVERE : Level.WARNING);
        }
        FanoutSettings settings = FanoutSettings.fromSystemProperties();
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        Path results = Path.of(settings.resultsDir()).toAbsolutePath();
        Files.createDirectories(results);
        if (Runtime.getRuntime().availableProcessors() < 2) {
            throw new IllegalStateException("the benchmark needs two cores: one for the server, one for the rest");
        }
        // This JVM (clients, broker, producer, issuer) and every thread it starts stay on the harness's core.
        run("taskset", "-a", "-p", "-c", String.valueOf(settings.harnessCpu()), String.valueOf(ProcessHandle.current().pid()));
        CpuWindow.Usage before = idleCheck();

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path pinnedJava = results.resolve("pinned-java");
        Files.writeString(pinnedJava, "#!/bin/sh\n# realtime-edge on the server's core, like the Socket.IO server.\n"
                + "exec taskset -c " + settings.serverCpu() + " '" + java + "' \"$@\"\n");
        Files.setPosixFilePermissions(pinnedJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty("stack.java", pinnedJava.toString());
        StackConfig config = StackConfig.forTests()
                .withServices(EnumSet.of(StackService.EDGE))
                .withServiceJvmOptions(Arrays.stream(settings.edgeJvm().split("\\s+")).filter(s -> !s.isEmpty()).toList());

        System.out.printf(Locale.ROOT, "Fan-out benchmark: %s%n", settings.asMap());
        try (LocalStack stack = LocalStack.start(config)) {
            Path repository = config.repositoryDir();
            String[] rooms = new String[settings.rooms()];
            for (int i = 0; i < rooms.length; i++) {
                rooms[i] = "conversation:b" + i;
            }
            List<LoadClients.Spec> members = new ArrayList<>();
            Map<String, List<String>> memberships = new TreeMap<>();
            for (int i = 0; i < settings.connections(); i++) {
                String user = "bench-u" + i;
                String room = rooms[i % rooms.length];
                members.add(new LoadClients.Spec(user, stack.issuer().token(user, List.of("user"), Duration.ofHours(12)),
                        room));
                memberships.computeIfAbsent(room, r -> new ArrayList<>()).add(user);
            }
            Path membershipsFile = results.resolve("memberships.json");
            new ObjectMapper().writeValue(membershipsFile.toFile(), memberships);

            Map<String, Target> targets = new LinkedHashMap<>();
            EdgeTarget edge = new EdgeTarget(stack, rooms, settings.payloadBytes());
            // The edge lets a user into a conversation room only with a grant on realtime.memberships.
            for (LoadClients.Spec member : members) {
                edge.producer().send(new Membership(Room.parse(member.room()), member.user(), "member")
                        .grantRecord(SOURCE, "benchmark"));
            }
            edge.producer().flush();
            if (settings.servers().contains("edge")) {
                targets.put("edge", edge);
            }
            if (settings.servers().contains("socketio")) {
                Path socketIo = repository.resolve("benchmarks/fanout/socketio");
                npmCi(socketIo);
                targets.put("socketio", new SocketIoTarget(socketIo, results, settings.serverCpu(),
                        settings.harnessCpu(), stack.issuer().issuer(), stack.issuer().jwksUrl(), membershipsFile,
                        "conversation:b", settings.rooms(), settings.payloadBytes()));
            }
            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
                    .setBlockedThreadCheckInterval(10_000));
            FanoutReport report = new FanoutReport(settings, started, before);
            try {
                List<LoadClients.Spec> idleSpecs = idleSpecs(stack, settings);
                for (Target target : targets.values()) {
                    stopAll(targets);
                    for (int count : settings.idleConnections()) {
                        report.idle(idleMemory(vertx, target, idleSpecs.subList(0, Math.min(count, idleSpecs.size())),
                                results));
                    }
                }
                int stepId = 1;
                if (settings.harnessWarmup()) {
                    // The harness's own first minute (its JIT, the broker's, the clients') made the first measured
                    // step of a run fail for reasons of its own: one throwaway step per server, at the first rate.
                    for (Target target : targets.values()) {
                        stopAll(targets);
                        StepResult result = step(vertx, target, members, settings, 0, settings.rates().get(0),
                                stepId++);
                        System.out.println("harness warm-up, not counted: " + result.line());
                        target.stop();
                    }
                }
                for (int run = 1; run <= settings.runs(); run++) {
                    for (Target target : targets.values()) {
                        stopAll(targets);
                        for (int rate : settings.rates()) {
                            StepResult result = step(vertx, target, members, settings, run, rate, stepId++);
                            report.step(result);
                            System.out.println(result.line());
                        }
                        target.stop();
                    }
                }
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().join();
                for (Target target : targets.values()) {
                    target.close();
                }
                if (!targets.containsValue(edge)) {
                    edge.close();
                }
            }
            String markdown = report.markdown();
            Path file = results.resolve("fanout-" + started.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + ".md");
            Files.writeString(file, markdown);
            System.out.println();
            System.out.println(markdown);
            System.out.println("Written to " + file);
        }
        System.exit(0);
    }

    /** One step: a fresh server, every client joined, a warm-up, then the measured production and a drain. */
    private static StepResult step(Vertx vertx, Target target, List<LoadClients.Spec> members, FanoutSettings settings,
            int run, int rate, int stepId) throws InterruptedException {
        target.restart();
        target.measureBaseline(rate <= settings.kafkaOnlyMaxRate());
        try (LoadClients clients = new LoadClients(vertx, target.wire(), target.port())) {
            clients.connect(members, CONNECT_TIMEOUT);
            double eventsPerSecond = rate / (double) settings.membersPerRoom();
            if (!settings.warmup().isZero()) {
                target.startProducing(0, eventsPerSecond);
                Thread.sleep(settings.warmup().toMillis());
                target.stopProducing();
                Thread.sleep(settings.drain().toMillis());
            }
            clients.beginStep(stepId);
            CpuWindow cpu = CpuWindow.start(target.serverPid(), target.helperPids());
            long begin = System.nanoTime();
            target.startProducing(stepId, eventsPerSecond);
            Thread.sleep(settings.step().toMillis());
            Map<String, Long> sent = target.stopProducing();
            double seconds = (System.nanoTime() - begin) / 1e9;
            Thread.sleep(settings.drain().toMillis());
            CpuWindow.Usage usage = cpu.stop();
            Target.Memory memory = target.memory(false);
            LoadClients.Snapshot seen = clients.snapshot();
            return StepResult.of(target.name(), run, rate, seconds, sent, clients.specs(), seen, usage, memory,
                    target.baselineLatencies(), settings);
        }
    }

    /** Memory per idle connection: after a full collection with none, and with {@code specs} connected. */
    private static FanoutReport.Idle idleMemory(Vertx vertx, Target target, List<LoadClients.Spec> specs,
            Path results) throws InterruptedException, IOException {
        target.restart();
        Thread.sleep(2_000);
        Target.Memory empty = target.memory(true);
        try (LoadClients clients = new LoadClients(vertx, target.wire(), target.port())) {
            clients.connect(specs, CONNECT_TIMEOUT);
            Thread.sleep(3_000);
            Target.Memory full = target.memory(true);
            System.out.printf(Locale.ROOT, "%s idle: %d connections, RSS %.1f -> %.1f MB, heap %.1f -> %.1f MB%n",
                    target.name(), specs.size(), empty.rss() / 1e6, full.rss() / 1e6, empty.heapUsed() / 1e6,
                    full.heapUsed() / 1e6);
            // What the connections hold, for the next profile: the heap's classes by size, where the runtime has them.
            String histogram = target.heapHistogram();
            if (!histogram.isEmpty()) {
                Files.writeString(results.resolve(target.name() + "-idle-" + specs.size() + "-histogram.txt"), histogram);
            }
            return new FanoutReport.Idle(target.name(), specs.size(), empty, full);
        } finally {
            target.stop();
        }
    }

    /** Users for the idle-memory measurement: connected, in no room but the ones a server puts them in itself. */
    private static List<LoadClients.Spec> idleSpecs(LocalStack stack, FanoutSettings settings) {
        int most = settings.idleConnections().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<LoadClients.Spec> specs = new ArrayList<>(most);
        for (int i = 0; i < most; i++) {
            String user = "idle-u" + i;
            specs.add(new LoadClients.Spec(user, stack.issuer().token(user, List.of("user"), Duration.ofHours(12)), null));
        }
        return specs;
    }

    private static void stopAll(Map<String, Target> targets) {
        for (Target target : targets.values()) {
            target.stop();
        }
    }

    private static CpuWindow.Usage idleCheck() throws InterruptedException {
        CpuWindow window = CpuWindow.start(-1, List.of());
        Thread.sleep(2_000);
        CpuWindow.Usage usage = window.stop();
        System.out.printf(Locale.ROOT, "CPU use before the run, outside this JVM: %.0f%% of one core%s%n", usage.other(),
                usage.other() > 10 ? " -- the machine is busy, figures will be disturbed" : "");
        return usage;
    }

    private static void npmCi(Path dir) throws IOException, InterruptedException {
        if (Files.isDirectory(dir.resolve("node_modules"))) {
            return;
        }
        System.out.println("Installing the Socket.IO server's packages (npm ci in " + dir + ") ...");
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile()).inheritIO()
                .start();
        if (npm.waitFor() != 0) {
            throw new IllegalStateException("npm ci failed in " + dir);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
