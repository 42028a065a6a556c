package dev.realtime.benchmarks.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.realtime.benchmarks.ProcStat;
import dev.realtime.testkit.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The alternative a user would pick: a Node.js Socket.IO 4.8 server scaled with the Redis adapter, fed by a producer
 * process through {@code @socket.io/redis-emitter} (benchmarks/fanout/socketio). The server is pinned to the same core
 * as the edge; Redis and the emitter run on the harness's core, like the broker and the producer on the edge's side.
 */
final class SocketIoTarget implements Target {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path logDir;
    private final int serverCpu;
    private final int harnessCpu;
    private final int port;
    private final Map<String, String> serverEnv;
    private final String roomPrefix;
    private final int rooms;
    private final int payloadBytes;
    private final Process redis;
    private final NodeProcess emitter;
    private NodeProcess server;

    SocketIoTarget(Path dir, Path logDir, int serverCpu, int harnessCpu, String issuer, String jwksUrl,
            Path membershipsFile, String roomPrefix, int rooms, int payloadBytes) {
        this.dir = dir;
        this.logDir = logDir;
        this.serverCpu = serverCpu;
        this.harnessCpu = harnessCpu;
        this.roomPrefix = roomPrefix;
        this.rooms = rooms;
        this.payloadBytes = payloadBytes;
        int[] ports = FreePorts.distinct(2);
        this.port = ports[0];
        int redisPort = ports[1];
        String redisUrl = "redis://127.0.0.1:" + redisPort;
        try {
            redis = new ProcessBuilder("taskset", "-c", String.valueOf(harnessCpu), "redis-server", "--port",
                    String.valueOf(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true).redirectOutput(logDir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start redis-server (Debian package redis-server)", e);
        }
        awaitPort(redisPort);
        serverEnv = new HashMap<>(Map.of("PORT", String.valueOf(port), "HOST", "127.0.0.1", "REDIS_URL", redisUrl,
                "JWKS_URL", jwksUrl, "ISSUER", issuer, "AUDIENCE", "realtime",
                "MEMBERSHIPS_FILE", membershipsFile.toString()));
        emitter = NodeProcess.start(dir, List.of("taskset", "-c", String.valueOf(harnessCpu), "node", "emitter.mjs"),
                Map.of("REDIS_URL", redisUrl), logDir.resolve("socketio-emitter.log"));
        emitter.await("ready", 30);
    }

    @Override
    public String name() {
        return "socket.io";
    }

    @Override
    public LoadClients.Wire wire() {
        return LoadClients.Wire.SOCKET_IO;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void restart() {
        stop();
        // Node keeps the shell's soft limit of open files (often 1,024); a JVM raises its own to the hard limit.
        server = NodeProcess.start(dir, List.of("sh", "-c", "ulimit -n \"$(ulimit -Hn)\" && exec taskset -c " + serverCpu
                + " node --expose-gc server.mjs"), serverEnv, logDir.resolve("socketio-server.log"));
        server.await("ready", 60);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    @Override
    public long serverPid() {
        return server == null ? -1 : server.pid();
    }

    @Override
    public List<Long> helperPids() {
        return List.of(redis.pid(), emitter.pid());
    }

    @Override
    public void startProducing(int step, double eventsPerSecond) {
        emitter.send(String.format(java.util.Locale.ROOT, "rate %.3f %d %d %d %s", eventsPerSecond, step, rooms,
                payloadBytes, roomPrefix));
    }

    @Override
    public Map<String, Long> stopProducing() {
        emitter.send("stop");
        JsonNode sent = emitter.awaitJson("sent", 30);
        Map<String, Long> perRoom = new HashMap<>();
        sent.path("perRoom").fields().forEachRemaining(e -> perRoom.put(e.getKey(), e.getValue().asLong()));
        return perRoom;
    }

    @Override
    public Memory memory(boolean collect) {
        server.send(collect ? "gc" : "stats");
        JsonNode memory = server.awaitJson("memory", 30);
        return new Memory(ProcStat.rssBytes(server.pid()), memory.path("heapUsed").asLong(-1));
    }

    @Override
    public long[] baselineLatencies() {
        return new long[0];
    }

    @Override
    public void close() {
        stop();
        emitter.stop();
        redis.destroy();
        try {
            redis.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitPort(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port + " after 30 s");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A Node.js process driven by lines on stdin, answering with lines on stdout; stderr goes to a log file. */
    private static final class NodeProcess {
        private final Process process;
        private final Writer stdin;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private NodeProcess(Process process) {
            this.process = process;
            this.stdin = process.outputWriter(StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "node-stdout-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        static NodeProcess start(Path dir, List<String> command, Map<String, String> env, Path log) {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            try {
                return new NodeProcess(builder.start());
            } catch (IOException e) {
                throw new UncheckedIOException("could not start " + command, e);
            }
        }

        long pid() {
            return process.pid();
        }

        void send(String line) {
            try {
                stdin.write(line + "\n");
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits for a line starting with {@code prefix}, skipping others. */
        String await(String prefix, int seconds) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            try {
                while (System.nanoTime() < deadline && process.isAlive() || !lines.isEmpty()) {
                    String line = lines.poll(100, TimeUnit.MILLISECONDS);
                    if (line != null && line.startsWith(prefix)) {
                        return line;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(process.info().commandLine().orElse("node") + " did not print '" + prefix
                    + "' within " + seconds + " s" + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")"));
        }

        JsonNode awaitJson(String type, int seconds) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                int left = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
                String line = await("{", left);
                try {
                    JsonNode node = JSON.readTree(line);
                    if (type.equals(node.path("type").asText())) {
                        return node;
                    }
                } catch (IOException e) {
                    // not JSON: skip
                }
            }
        }

        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
