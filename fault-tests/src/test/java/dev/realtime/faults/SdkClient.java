package dev.realtime.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A front end on the JavaScript SDK (clients/js): {@code src/test/node/sdk-client.mjs} in its own Node process, with
 * the SDK's default reconnect and resume. It reports what the SDK hands the application, so the suite checks what a
 * user of the SDK sees: every event once and in order, every resync (a gap the SDK was told about) counted against
 * the run. Needs the SDK built ({@code clients/js/dist}, {@code clients/js/node_modules}) and {@code node} 20+
 * ({@code -Dfaults.node=/path/to/node}).
 */
final class SdkClient implements EdgeClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path SDK_DIR = Path.of("..", "clients", "js").toAbsolutePath().normalize();
    private static final Path SCRIPT = Path.of("src", "test", "node", "sdk-client.mjs").toAbsolutePath();

    private final String user;
    private final Set<String> rooms;
    private final Process process;
    private final Writer stdin;
    private final Thread reader;
    private final List<WireClient.Frame> frames = new CopyOnWriteArrayList<>();
    /** Rooms acknowledged since the last time the client was open. */
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger resyncs = new AtomicInteger();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private volatile String connectionState = "idle";

    /** Starts the client for {@code user} on {@code rooms} (its own {@code user:<sub>} room included). */
    SdkClient(String user, URI edge, String token, List<String> rooms, Path log) {
        this.user = user;
        this.rooms = Set.copyOf(rooms);
        if (!Files.isRegularFile(SDK_DIR.resolve("dist/index.js"))
                || !Files.isDirectory(SDK_DIR.resolve("node_modules/ws"))) {
            throw new IllegalStateException("the JavaScript SDK is not built in " + SDK_DIR + ": ./mvnw package "
                    + "-DskipTests -pl clients/js -am (or npm ci && npm run build there)");
        }
        List<String> command = new ArrayList<>(List.of(System.getProperty("faults.node", "node"), SCRIPT.toString(),
                SDK_DIR.toString(), edge.toString(), user));
        command.addAll(rooms);
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        sendToken(token);
        reader = new Thread(this::read, "sdk-" + user);
        reader.setDaemon(true);
        reader.start();
    }

    /** Hands the client a new access token (it asks for one at every connection and before expiry). */
    void sendToken(String token) {
        try {
            stdin.write(token + "\n");
            stdin.flush();
        } catch (IOException e) {
            problems.add("token not delivered: " + e.getMessage());
        }
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                long now = System.nanoTime();
                try {
                    handle(JSON.readTree(line), now);
                } catch (IOException e) {
                    problems.add("unreadable line from the SDK client: " + line);
                }
            }
        } catch (IOException e) {
            // The process ended: close() or a crash, which the exit code tells.
        }
    }

    private void handle(JsonNode line, long receivedNanos) {
        switch (line.path("type").asText()) {
            case "event" -> frames.add(new WireClient.Frame(connections.get(), line.path("room").asText(),
                    line.path("seq").asLong(-1), line.path("event").asText(), line.path("eventId").asText(),
                    line.path("messageId").asText(null), receivedNanos));
            case "subscribed" -> subscribed.add(line.path("room").asText());
            case "state" -> {
                String state = line.path("state").asText();
                if ("open".equals(state)) {
                    connections.incrementAndGet();
                } else {
                    subscribed.clear();
                }
                connectionState = state + (line.path("code").isNull() ? "" : " " + line.path("code").asText());
            }
            case "resync" -> {
                resyncs.incrementAndGet();
                problems.add("resync " + line);
            }
            case "error" -> problems.add("error " + line);
            default -> problems.add("unexpected line from the SDK client: " + line);
        }
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String label() {
        return user + " sdk";
    }

    @Override
    public List<WireClient.Frame> frames() {
        return new ArrayList<>(frames);
    }

    @Override
    public boolean live() {
        return process.isAlive() && connectionState.equals("open") && subscribed.containsAll(rooms);
    }

    @Override
    public String state() {
        return label() + ": process " + (process.isAlive() ? "running" : "exited " + process.exitValue())
                + " state=" + connectionState + " connections=" + connections.get() + " acked=" + subscribed
                + " of " + rooms + " events=" + frames.size() + " problems=" + problems;
    }

    @Override
    public int connections() {
        return connections.get();
    }

    @Override
    public int incompleteResumes() {
        return resyncs.get();
    }

    @Override
    public List<String> problems() {
        List<String> all = new ArrayList<>(problems);
        if (!process.isAlive() && process.exitValue() != 0) {
            all.add("the SDK client exited with " + process.exitValue());
        }
        return all;
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
