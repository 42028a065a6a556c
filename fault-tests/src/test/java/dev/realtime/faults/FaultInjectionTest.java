package dev.realtime.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackConfig;
import dev.realtime.launcher.StackService;
import dev.realtime.testkit.FreePorts;

/**
 * The whole path under faults (fault-tests/README.md): the packaged chat-service, notification-service and
 * realtime-edge started as the launcher starts them, on a Kafka broker that runs as its own process and on the
 * machine's PostgreSQL. Each fault is injected once in the middle of a steady stream of posts, then every post is
 * followed from its 2xx to the store, to Kafka, to each client's wire and to the inboxes. {@code -Dfaults.soak=10m}
 * instead runs one long stream with faults at random moments.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionTest {

    static final Scenario.Settings SETTINGS = Scenario.Settings.fromSystemProperties();
    static final String SOAK = System.getProperty("faults.soak", "").trim();
    static KafkaProcess kafka;
    static LocalStack stack;

    /** Held so the level sticks: the Kafka clients' configuration dumps would bury the report tables. */
    static final java.util.logging.Logger KAFKA_LOGGER = java.util.logging.Logger.getLogger("org.apache.kafka");

    @BeforeAll
    static void startSystem() {
        KAFKA_LOGGER.setLevel(java.util.logging.Level.WARNING);
        MachinePostgres.ensureUp();
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                // The poster is one user at tens of posts a second: far above the limit meant for people.
                "-Dchat.rate-limit.posts-per-second=100000", "-Dchat.rate-limit.burst=100000"));
        // -Dfaults.service-options="-Dkey=value ...": more options for every service (e.g. log levels to diagnose).
        String extra = System.getProperty("faults.service-options", "").trim();
        if (!extra.isEmpty()) {
            jvmOptions.addAll(Arrays.asList(extra.split("\\s+")));
        }
        StackConfig config = StackConfig.forTests()
                .withServices(EnumSet.of(StackService.CHAT, StackService.NOTIFICATION, StackService.EDGE))
                .withServiceJvmOptions(jvmOptions);
        // The broker's two ports must differ, and differ from the services' (all chosen free, bound later).
        int controllerPort = FreePorts.except(config.kafkaPort(), config.issuerPort(), config.edgePort(),
                config.chatPort(), config.activityPort(), config.notificationPort(), config.demoPort());
        kafka = KafkaProcess.start(config.kafkaPort(), controllerPort,
                config.logDir().resolve("kafka.log"));
        stack = LocalStack.startOnExternalKafka(config);
        Report.begin("# Fault-injection run " + Instant.now() + System.lineSeparator() + System.lineSeparator()
                + SETTINGS.postsPerSecond() + " posts/s over " + SETTINGS.conversations() + " conversations, "
                + SETTINGS.before().toSeconds() + " s before the fault, " + SETTINGS.after().toSeconds()
                + " s after it, outages of " + SETTINGS.outage().toSeconds() + " s, recovery bound "
                + SETTINGS.recoveryBound().toSeconds() + " s. Logs: " + config.logDir());
    }

    @AfterAll
    static void stopSystem() {
        try {
            Report.end();
            System.out.println("[faults] report: " + Report.FILE.toAbsolutePath());
        } finally {
            try {
                if (stack != null) {
                    stack.close();
                }
            } finally {
                try {
                    if (kafka != null) {
                        kafka.close();
                    }
                } finally {
                    // Whatever happened above, the machine's server is left running.
                    MachinePostgres.ensureUp();
                }
            }
        }
    }

    /** Each fault once, mid-stream; {@code -Dfaults.only=EDGE_KILL,KAFKA_PAUSE} runs a subset. */
    @Order(1)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    void theWholePathSurvives(Fault fault) {
        assumeTrue(SOAK.isEmpty(), "soak mode runs instead");
        assumeTrue(selected().contains(fault), "not in faults.only");
        // Between runs: the previous fault may have left a service restarting or Kafka catching up.
        MachinePostgres.ensureUp();
        try (Scenario scenario = new Scenario(stack, kafka, SETTINGS, fault.name())) {
            scenario.open();
            scenario.startPosting();
            Faults.sleep(SETTINGS.before());
            Scenario.Injection injection = scenario.inject(fault);
            Faults.sleep(Duration.ofNanos(Math.max(0,
                    injection.endNanos() + SETTINGS.after().toNanos() - System.nanoTime())));
            verify(scenario.finish());
        }
    }

    /** {@code -Dfaults.soak=10m}: one stream for that long, a random fault every 30 to 90 s. */
    @Order(2)
    @Test
    void soak() {
        assumeTrue(!SOAK.isEmpty(), "soak mode is off (-Dfaults.soak=10m turns it on)");
        Duration length = Faults.parseDuration(SOAK);
        Random random = Scenario.random();
        List<Fault> faults = List.copyOf(selected());
        try (Scenario scenario = new Scenario(stack, kafka, SETTINGS, "soak")) {
            scenario.open();
            scenario.startPosting();
            long end = System.nanoTime() + length.toNanos();
            while (true) {
                long pause = Duration.ofSeconds(30 + random.nextInt(61)).toNanos();
                if (System.nanoTime() + pause >= end) {
                    break;
                }
                Faults.sleep(Duration.ofNanos(pause));
                scenario.inject(faults.get(random.nextInt(faults.size())));
            }
            Faults.sleep(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
            verify(scenario.finish());
        }
    }

    private static void verify(Scenario.Result result) {
        Report.add(result);
        assertTrue(result.acked() > 0, "no post was acked at all");
        assertTrue(result.failures().isEmpty(), result.name() + ": " + String.join("; ", result.failures()));
    }

    private static Set<Fault> selected() {
        String only = System.getProperty("faults.only", "").trim();
        if (only.isEmpty()) {
            return EnumSet.allOf(Fault.class);
        }
        return Arrays.stream(only.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> Fault.valueOf(s.toUpperCase())).collect(Collectors.toCollection(
                        () -> EnumSet.noneOf(Fault.class)));
    }
}
