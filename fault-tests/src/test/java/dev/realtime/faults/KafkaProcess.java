package dev.realtime.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The Kafka broker of the suite as a child OS process ({@link KafkaBrokerMain} on this JVM's class path), so it can be
 * killed with SIGKILL, frozen with SIGSTOP / SIGCONT, and started again on the same ports, data and cluster id.
 */
final class KafkaProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final int port;
    private final int controllerPort;
    private final Path dataDir;
    private final Path logFile;
    private final String clusterId;
    private Process process;

    private KafkaProcess(int port, int controllerPort, Path dataDir, Path logFile) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.dataDir = dataDir;
        this.logFile = logFile;
        // A KRaft cluster id: 16 bytes, URL-safe base64 without padding (what kafka-storage random-uuid prints).
        this.clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    static KafkaProcess start(int port, int controllerPort, Path logFile) {
        try {
            KafkaProcess kafka = new KafkaProcess(port, controllerPort,
                    Files.createTempDirectory("fault-tests-kafka-"), logFile);
            kafka.launch();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String bootstrapServers() {
        return "localhost:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** Starts the broker again on the same data after {@link #kill}; returns once it answers. */
    synchronized void launch() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(),
                String.valueOf(port), String.valueOf(controllerPort), dataDir.toString(), clusterId));
        try {
            Files.createDirectories(logFile.getParent());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka process", e);
        }
        awaitAnswering();
    }

    /** SIGKILL: the broker disappears without a word, its page cache is what reached the disk. */
    synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP: the process is frozen; its sockets stay open and nobody answers on them. */
    synchronized void pause() {
        signal("-STOP");
    }

    /** SIGCONT. */
    synchronized void resume() {
        signal("-CONT");
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void awaitAnswering() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "fault-tests-probe-" + UUID.randomUUID(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka process exited with " + process.exitValue()
                        + "; see " + logFile);
            }
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                admin.listTopics().names().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = new IllegalStateException(e.getMessage(), e);
                Faults.sleep(Duration.ofMillis(500));
            }
        }
        throw new IllegalStateException("Kafka did not answer within " + READY_TIMEOUT + "; see " + logFile, last);
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            if (process.isAlive()) {
                // A frozen process cannot act on SIGTERM.
                try {
                    resume();
                } catch (RuntimeException ignored) {
                    // already gone
                }
            }
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        Faults.deleteRecursively(dataDir);
    }
}
