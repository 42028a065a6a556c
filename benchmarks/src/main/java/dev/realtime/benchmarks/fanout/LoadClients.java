package dev.realtime.benchmarks.fanout;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's WebSocket clients, for either server: each joins one room and records, per measured step, how many
 * events it received, their send-to-receive latency, and any event of its room that came out of order. All
 * connections share one Vert.x event loop (the harness has one core), so the counters need no locks; the harness
 * reads them through {@link #snapshot()}, which runs on that loop.
 * <p>
 * They behave as real clients: an upgrade refused with 503 (a server still starting) is retried after its
 * Retry-After, other connection failures after a second, until the connect deadline.
 */
final class LoadClients implements AutoCloseable {

    /** The two wire protocols: the edge's native frames, and Socket.IO v5 over Engine.IO v4's WebSocket transport. */
    enum Wire {
        EDGE("/ws"), SOCKET_IO("/socket.io/?EIO=4&transport=websocket");

        final String uri;

        Wire(String uri) {
            this.uri = uri;
        }
    }

    /** One client to connect: its user, its token and the room it joins (null: connected, in no room). */
    record Spec(String user, String token, String room) {
    }

    /** What the clients saw during one step. Latencies in microseconds. */
    record Snapshot(long received, long[] latencyMicros, long[] receivedPerClient, long outOfOrder, long otherStep,
            int ready, Map<Integer, Integer> closes) {
    }

    private static final byte[] DATA_KEY = Payloads.ascii("\"data\":");
    private static final byte[] EDGE_EVENT = Payloads.ascii("{\"type\":\"event\"");
    private static final byte[] SOCKET_IO_EVENT = Payloads.ascii("42[");

    private enum State {
        CONNECTING, JOINING, READY, CLOSED, FAILED
    }

    private final Vertx vertx;
    private final Context loop;
    private final WebSocketClient client;
    private final Wire wire;
    private final int port;
    private final List<Client> clients = new ArrayList<>();
    private final Map<Integer, Integer> closes = new TreeMap<>();
    private int step = -1;
    private long[] latencies = new long[1 << 16];
    private int latencyCount;
    private long received;
    private long outOfOrder;
    private long otherStep;
    private long deadlineNanos;
    private CompletableFuture<Void> allReady;
    private int waitingFor;
    private String lastFailure = "";

    LoadClients(Vertx vertx, Wire wire, int port) {
        this.vertx = vertx;
        this.loop = vertx.getOrCreateContext();
        this.wire = wire;
        this.port = port;
        // Vert.x allows 50 WebSockets per server by default: the benchmark needs all of them at once.
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(Integer.MAX_VALUE)
                .setTryUsePerMessageCompression(false)
                .setConnectTimeout(10_000));
    }

    /** Opens every client and returns once each has joined its room; fails after {@code timeout}. */
    void connect(List<Spec> specs, Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.runOnContext(v -> {
            deadlineNanos = System.nanoTime() + timeout.toNanos();
            allReady = done;
            waitingFor = specs.size();
            for (Spec spec : specs) {
                Client c = new Client(clients.size(), spec);
                clients.add(c);
            }
            // At most 64 handshakes in flight, as a fleet of browsers spread over time would be.
            for (int i = 0; i < Math.min(64, clients.size()); i++) {
                openNext();
            }
            if (waitingFor == 0) {
                done.complete(null);
            }
        });
        try {
            done.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            int ready = call(() -> (int) clients.stream().filter(c -> c.state == State.READY).count());
            throw new IllegalStateException("only " + ready + " of " + specs.size() + " clients joined their room"
                    + " within " + timeout + "; last failure: " + lastFailure, e);
        }
    }

    private int nextToOpen;

    private void openNext() {
        if (nextToOpen < clients.size()) {
            clients.get(nextToOpen++).open();
        }
    }

    /** Starts counting the events of step {@code id} (events of other steps are only counted as such). */
    void beginStep(int id) {
        call(() -> {
            step = id;
            latencyCount = 0;
            received = 0;
            outOfOrder = 0;
            otherStep = 0;
            closes.clear();
            for (Client c : clients) {
                c.receivedInStep = 0;
                c.lastN = 0;
            }
            return null;
        });
    }

    Snapshot snapshot() {
        return call(() -> {
            long[] perClient = new long[clients.size()];
            int ready = 0;
            for (Client c : clients) {
                perClient[c.index] = c.receivedInStep;
                if (c.state == State.READY) {
                    ready++;
                }
            }
            return new Snapshot(received, Arrays.copyOf(latencies, latencyCount), perClient, outOfOrder, otherStep,
                    ready, new TreeMap<>(closes));
        });
    }

    List<Spec> specs() {
        return clients.stream().map(c -> c.spec).toList();
    }

    @Override
    public void close() {
        call(() -> {
            for (Client c : clients) {
                c.state = State.CLOSED;
                if (c.ws != null) {
                    c.ws.close();
                }
            }
            return null;
        });
        client.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
    }

    private <T> T call(java.util.concurrent.Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.runOnContext(v -> {
            try {
                result.complete(task.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.orTimeout(60, TimeUnit.SECONDS).join();
    }

    private void record(Client c, Buffer frame, int dataStart) {
        int s = (int) Payloads.number(frame, Payloads.STEP_KEY, dataStart);
        if (s != step) {
            otherStep++;
            return;
        }
        long t = Payloads.number(frame, Payloads.SENT_KEY, dataStart);
        long n = Payloads.number(frame, Payloads.COUNTER_KEY, dataStart);
        long latency = EpochMicros.now() - t;
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencyCount * 2);
        }
        latencies[latencyCount++] = latency;
        received++;
        c.receivedInStep++;
        if (n != c.lastN + 1) {
            outOfOrder++;
        }
        c.lastN = Math.max(c.lastN, n);
    }

    private final class Client {
        final int index;
        final Spec spec;
        State state = State.CONNECTING;
        WebSocket ws;
        long receivedInStep;
        long lastN;
        boolean counted;

        Client(int index, Spec spec) {
            this.index = index;
            this.spec = spec;
        }

        void open() {
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                    .setURI(wire.uri).setAllowOriginHeader(false); // a back-end client, as the load generator: no page origin
            if (wire == Wire.EDGE) {
                options.addHeader("Authorization", "Bearer " + spec.token());
            }
            client.connect(options).onComplete(result -> {
                if (result.succeeded()) {
                    ws = result.result();
                    state = State.JOINING;
                    // Frames as bytes: an event is scanned where it lies, never decoded to a String (the load
                    // generator shares its core with the broker and must cost less than the server it measures).
                    ws.frameHandler(this::onFrame);
                    ws.closeHandler(v -> onClose());
                    ws.exceptionHandler(e -> lastFailure = e.toString());
                    if (spec.room() == null && wire == Wire.EDGE) {
                        ready(); // nothing to join; the welcome frame is not needed for an idle connection
                    }
                } else {
                    long retryMillis = 1_000;
                    if (result.cause() instanceof UpgradeRejectedException rejected) {
                        lastFailure = "HTTP " + rejected.getStatus();
                        String after = rejected.getHeaders() == null ? null : rejected.getHeaders().get("Retry-After");
                        if (after != null && after.matches("\\d{1,3}")) {
                            retryMillis = Long.parseLong(after) * 1_000;
                        }
                    } else {
                        lastFailure = String.valueOf(result.cause());
                    }
                    if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis) < deadlineNanos) {
                        vertx.setTimer(retryMillis, id -> open());
                    } else {
                        fail();
                    }
                }
            });
        }

        void onFrame(WebSocketFrame frame) {
            if (!frame.isText() || !frame.isFinal()) {
                return; // neither server fragments its small frames; a fragmented event would show up as lost
            }
            Buffer data = frame.binaryData();
            if (wire == Wire.EDGE && Payloads.startsWith(data, EDGE_EVENT)) {
                record(this, data, Math.max(0, Payloads.indexOf(data, DATA_KEY, 0)));
            } else if (wire == Wire.SOCKET_IO && Payloads.startsWith(data, SOCKET_IO_EVENT)) {
                record(this, data, 3);
            } else {
                onText(data.toString(StandardCharsets.UTF_8));
            }
        }

        void onText(String text) {
            if (wire == Wire.EDGE) {
                onEdgeFrame(text);
            } else {
                onSocketIoPacket(text);
            }
        }

        private void onEdgeFrame(String text) {
            if (text.startsWith("{\"type\":\"welcome\"")) {
                if (spec.room() != null) {
                    ws.writeTextMessage("{\"type\":\"subscribe\",\"id\":\"j\",\"room\":\"" + spec.room() + "\"}");
                }
            } else if (state == State.JOINING && text.contains("\"id\":\"j\"")) {
                if (text.startsWith("{\"type\":\"ack\"")) {
                    ready();
                } else {
                    lastFailure = text;
                    fail();
                }
            }
        }

        private void onSocketIoPacket(String text) {
            if (text.equals("2")) {
                ws.writeTextMessage("3"); // Engine.IO ping from the server
            } else if (text.startsWith("0{")) {
                ws.writeTextMessage("40{\"token\":\"" + spec.token() + "\"}");
            } else if (text.startsWith("40")) {
                if (spec.room() == null) {
                    ready();
                } else {
                    ws.writeTextMessage("420[\"room:join\",{\"roomId\":\"" + spec.room() + "\"}]");
                }
            } else if (text.startsWith("430[")) {
                if (text.contains("\"ok\":true")) {
                    ready();
                } else {
                    lastFailure = text;
                    fail();
                }
            } else if (text.startsWith("44")) {
                lastFailure = "connect_error " + text;
                fail();
            }
        }

        private void ready() {
            state = State.READY;
            settle();
        }

        private void fail() {
            state = State.FAILED;
            settle();
        }

        /** Counts this client once towards {@link #connect}, and lets the next one start its handshake. */
        private void settle() {
            if (counted) {
                return;
            }
            counted = true;
            openNext();
            if (--waitingFor == 0 && allReady != null) {
                long notReady = clients.stream().filter(c -> c.state != State.READY).count();
                if (notReady == 0) {
                    allReady.complete(null);
                } else {
                    allReady.completeExceptionally(new IllegalStateException(notReady + " clients failed"));
                }
            }
        }

        private void onClose() {
            if (state == State.CLOSED) {
                return;
            }
            Short code = ws.closeStatusCode();
            closes.merge(code == null ? -1 : (int) code, 1, Integer::sum);
            boolean wasSettled = counted;
            state = State.CLOSED;
            if (!wasSettled) {
                fail();
            }
        }
    }
}
