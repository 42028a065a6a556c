package dev.realtime.benchmarks.chat;

import dev.realtime.benchmarks.Postgres;
import dev.realtime.benchmarks.RunInfo;
import dev.realtime.benchmarks.chat.ChatScenarios.OpenLoopResult;
import dev.realtime.benchmarks.chat.ChatScenarios.ThroughputResult;
import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackConfig;
import dev.realtime.launcher.StackService;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Posts/s sustained by chat-service through its REST API, and the latency from a post to its record on
 * {@code chat.events}. A harness, not a test: it prints figures and asserts nothing.
 * <p>
 * The launcher's {@link LocalStack} starts the real packaged chat-service ({@code chat-service/target/quarkus-app})
 * as a separate process on a fresh database, with the embedded Kafka broker and the development OIDC issuer in this
 * JVM. See benchmarks/README.md, section "chat-service REST", for what is measured and how to read it.
 */
public final class ChatRestBenchmark {
    // Strong references: JUL keeps loggers weakly, a collected logger would forget its level.
    private static final Logger[] QUIET = {
            Logger.getLogger("kafka"), Logger.getLogger("org.apache.kafka"), Logger.getLogger("state.change.logger"),
            Logger.getLogger("io.smallrye.reactive.messaging.kafka"), Logger.getLogger("org.apache.kafka.controller"),
            Logger.getLogger("org.apache.kafka.clients.NetworkClient"), Logger.getLogger("org.jose4j"),
            Logger.getLogger("dev.realtime.launcher") };

    private ChatRestBenchmark() {
    }

    public static void main(String... args) throws Exception {
        for (Logger logger : QUIET) {
            logger.setLevel(logger.getName().endsWith("controller") || logger.getName().endsWith("NetworkClient")
                    ? Level.SEVERE : Level.WARNING);
        }
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        long begin = System.nanoTime();
        ChatSettings settings = ChatSettings.fromSystemProperties();
        Path resultsDir = Path.of(settings.resultsDir()).toAbsolutePath();

        StackCpu.Usage before = StackCpu.sample(Duration.ofSeconds(1));
        System.out.printf(Locale.ROOT, "CPU use before the run (all cores = 100%%): %.0f%% outside this JVM%s%n",
                before.other(), before.other() > 15 ? " -- the machine is busy, figures will be disturbed" : "");

        StackConfig config = StackConfig.forTests()
                .withServices(EnumSet.of(StackService.CHAT))
                .withServiceJvmOptions(settings.serviceJvmOptions());
        config = config.withLogDir(Path.of("target", "chat-bench-logs").toAbsolutePath().resolve(started.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        System.out.println("Starting Kafka (embedded), the development OIDC issuer and chat-service "
                + config.serviceJar(StackService.CHAT) + " with " + String.join(" ", config.serviceJvmOptions()));
        LocalStack stack = LocalStack.start(config);
        Thread hook = new Thread(stack::close, "chat-bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int exitCode = 1;
        try {
            System.out.printf(Locale.ROOT, "Stack ready in %.1f s: %s (log %s)%n", (System.nanoTime() - begin) / 1e9,
                    stack.chatUrl(), stack.logFile(StackService.CHAT));
            run(stack, settings, started, before, resultsDir);
            exitCode = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        System.out.printf(Locale.ROOT, "Done in %.0f s%n", (System.nanoTime() - begin) / 1e9);
        System.exit(exitCode);
    }

    private static void run(LocalStack stack, ChatSettings settings, OffsetDateTime started, StackCpu.Usage before,
            Path resultsDir) throws Exception {
        StackConfig config = stack.config();
        long servicePid = stack.pid(StackService.CHAT).orElse(-1L);
        Map<String, Object> environment = environment(config, before);

        try (MessageEventConsumer consumer = new MessageEventConsumer(stack.kafkaBootstrapServers());
                ChatWorkload workload = new ChatWorkload(stack.chatUrl(), settings, user -> stack.issuer().token(user))) {
            long setup = System.nanoTime();
            workload.createConversations(8);
            System.out.printf(Locale.ROOT, "%d users, %d conversations of %d participants created in %.1f s%n",
                    workload.userCount(), settings.conversations(), settings.participants(),
                    (System.nanoTime() - setup) / 1e9);
            ChatScenarios scenarios = new ChatScenarios(workload, consumer, settings.drainTimeout(), servicePid,
                    config.chatDatabase());

            if (!settings.jvmWarmup().isZero()) {
                System.out.printf(Locale.ROOT, "JVM warm-up (not reported): %d clients until chat-service's JIT"
                        + " compilers use < %.0f%% of the CPUs (%d s at least, %d s at most)%n",
                        settings.jvmWarmupClients(), settings.jvmWarmupJitBelow(), settings.jvmWarmupMin().toSeconds(),
                        settings.jvmWarmup().toSeconds());
                Duration warmedUp = scenarios.warmUp(settings.jvmWarmupClients(), settings.jvmWarmupMin(),
                        settings.jvmWarmup(), settings.jvmWarmupJitBelow());
                environment.put("jvmWarmupSeconds", warmedUp.toSeconds());
            }

            List<ThroughputResult> throughput = new ArrayList<>();
            for (int clients : settings.clients()) {
                System.out.println("Closed loop, " + clients + " clients");
                throughput.add(scenarios.closedLoop("clients=" + clients, clients, settings.warmup(), settings.round(),
                        settings.rounds()));
            }
            List<OpenLoopResult> openLoop = new ArrayList<>();
            double bestMedian = throughput.stream().mapToDouble(ThroughputResult::median).max().orElse(Double.NaN);
            for (String spec : settings.openRates()) {
                double rate = ChatSettings.openRate(spec, bestMedian);
                if (!(rate > 0)) {
                    System.out.println("Open loop '" + spec + "' skipped: no closed-loop result to take the rate from");
                    continue;
                }
                System.out.printf(Locale.ROOT, "Open loop, %.0f posts/s (%s)%n", rate, spec);
                openLoop.add(scenarios.openLoop("open=" + spec, rate, settings.openWarmup(), settings.openDuration(),
                        settings.openSenders()));
            }

            Map<String, Object> totals = new LinkedHashMap<>();
            totals.put("created", workload.created.sum());
            totals.put("tooManyRequests", workload.tooManyRequests.sum());
            totals.put("otherStatus", workload.otherStatus.sum());
            totals.put("ioErrors", workload.ioErrors.sum());
            // A post without an answer whose record is on the topic was stored: the answer, not the post, was lost.
            totals.put("unansweredButPublished", workload.lostPosts.stream().filter(consumer::sawClientMessage).count());
            totals.put("duplicateRecords", consumer.duplicates());
            if (!consumer.duplicateSamples().isEmpty()) {
                totals.put("duplicateSamples", consumer.duplicateSamples());
            }
            totals.put("undecodableRecords", consumer.undecodable());
            if (workload.firstError != null) {
                totals.put("firstError", workload.firstError);
            }
            ChatReport report = new ChatReport(new RunInfo(started, environment, settings.asMap()), throughput, openLoop,
                    totals);
            System.out.print(report.text());
            report.write(resultsDir);
        }
    }


    private static Map<String, Object> environment(StackConfig config, StackCpu.Usage before) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("cpu", cpuModel());
        env.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("harnessJvm", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        env.put("serviceJvm", String.join(" ", config.serviceJvmOptions()));
        env.put("serviceJar", config.serviceJar(StackService.CHAT).toString());
        env.put("cpuBeforeRunOther", Math.round(before.other()));
        Postgres.putSettings(env, config, config.chatDatabase(),
                List.of("server_version", "shared_buffers", "synchronous_commit", "fsync"));
        return env;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }
}
