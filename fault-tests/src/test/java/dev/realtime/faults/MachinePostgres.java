package dev.realtime.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The machine's PostgreSQL server (Debian's cluster {@code <version>/main}), restarted the way an operator does.
 * Restarting it drops every connection of every client on the machine: that is the fault.
 */
final class MachinePostgres {

    private MachinePostgres() {
    }

    /** {@code pg_ctlcluster --skip-systemctl-redirect <version> main restart} (fast shutdown), then waits for it. */
    static void restart() {
        run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version(), "main", "restart"));
        awaitUp(Duration.ofSeconds(60));
    }

    /** Starts the server if it does not answer; the suite calls this at its end whatever happened. */
    static void ensureUp() {
        if (isUp()) {
            return;
        }
        run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version(), "main", "start"));
        awaitUp(Duration.ofSeconds(60));
    }

    static boolean isUp() {
        try {
            Process probe = new ProcessBuilder("pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q")
                    .redirectErrorStream(true).start();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void awaitUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isUp()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL did not answer within " + timeout);
            }
            Faults.sleep(Duration.ofMillis(200));
        }
    }

    private static String version() {
        try (Stream<Path> versions = Files.list(Path.of("/etc/postgresql"))) {
            return versions.map(p -> p.getFileName().toString())
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.replaceAll("\\D", "0"))))
                    .orElseThrow(() -> new IllegalStateException("no cluster in /etc/postgresql"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /etc/postgresql: restarting PostgreSQL needs Debian's"
                    + " pg_ctlcluster on this machine", e);
        }
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
