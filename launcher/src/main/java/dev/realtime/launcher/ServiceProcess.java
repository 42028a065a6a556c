package dev.realtime.launcher;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** One service running as its own OS process, its output in a log file. */
final class ServiceProcess {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final int LOG_TAIL_LINES = 25;

    private final StackService service;
    private final Process process;
    private final Path logFile;

    private ServiceProcess(StackService service, Process process, Path logFile) {
        this.service = service;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Launches {@code command} with {@code environment} added to this process's environment, less the variables
     * named in {@code unset}. The output always goes to {@code logFile}; with {@code echo} each line also goes to
     * {@code console}, prefixed with the module name. {@code appendLog} keeps what an earlier run of the same service
     * wrote (a restart).
     */
    static ServiceProcess launch(StackService service, List<String> command, Map<String, String> environment,
            Set<String> unset, Path workingDir, Path logFile, boolean echo, PrintStream console, boolean appendLog)
            throws IOException {
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().keySet().removeAll(unset);
        builder.environment().putAll(environment);
        if (!echo) {
            // No pump thread: the child writes straight into the file and keeps logging even if we stall.
            builder.redirectOutput(appendLog ? ProcessBuilder.Redirect.appendTo(logFile.toFile())
                    : ProcessBuilder.Redirect.to(logFile.toFile()));
        }
        Process process = builder.start();
        if (echo) {
            Thread pump = new Thread(() -> pump(service, process, logFile, console), "log-" + service.module());
            pump.setDaemon(true);
            pump.start();
        }
        return new ServiceProcess(service, process, logFile);
    }

    StackService service() {
        return service;
    }

    Path logFile() {
        return logFile;
    }

    long pid() {
        return process.pid();
    }

    /**
     * Polls {@code health} until it answers 200. Fails early when the process exits, and at {@code deadline} with the
     * last answer seen and the end of the log.
     */
    void awaitReady(HttpClient http, URI health, Instant deadline, BooleanSupplier cancelled) {
        String lastAnswer = "no answer yet";
        HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(3)).GET().build();
        while (true) {
            if (cancelled.getAsBoolean()) {
                throw new LocalStackException("the stack was stopped while " + service.module() + " was starting");
            }
            if (!process.isAlive()) {
                throw new LocalStackException(service.module() + " exited with code " + process.exitValue()
                        + " before it was ready." + logHint());
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + response.statusCode();
            } catch (ConnectException e) {
                lastAnswer = "connection refused";
            } catch (IOException e) {
                lastAnswer = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalStackException("interrupted while waiting for " + service.module(), e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new LocalStackException(service.module() + " was not ready in time: GET " + health
                        + " last gave " + lastAnswer + "." + logHint());
            }
            sleep(POLL_INTERVAL);
        }
    }

    /** Asks the service to stop (SIGTERM: Quarkus shuts down gracefully). */
    void requestStop() {
        process.destroy();
    }

    /** Kills the service at once (SIGKILL): a crash, no graceful shutdown. */
    void kill() {
        process.destroyForcibly();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the exit, and kills the process when it is still there after {@code grace}. */
    void awaitStop(Duration grace) {
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String logHint() {
        String tail = tail(logFile, LOG_TAIL_LINES);
        return " Its log: " + logFile + (tail.isEmpty() ? " (empty)"
                : System.lineSeparator() + "---- last lines of " + logFile.getFileName() + " ----"
                        + System.lineSeparator() + tail);
    }

    /** The last lines of a possibly large file, reading at most its last 16 KB. */
    static String tail(Path file, int lines) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int size = (int) Math.min(length, 16 * 1024);
            byte[] bytes = new byte[size];
            raf.seek(length - size);
            raf.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void pump(StackService service, Process process, Path logFile, PrintStream console) {
        String prefix = "[" + service.module() + "] ";
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                console.println(prefix + line);
            }
        } catch (IOException e) {
            // The process ended or the stream was closed at shutdown: nothing left to copy.
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").toLowerCase().contains("win") ? "NUL" : "/dev/null");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while waiting for a service", e);
        }
    }
}
