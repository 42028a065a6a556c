package dev.realtime.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw Engine.IO v4 client for protocol tests: packets as strings, over either transport, nothing interpreted
 * beyond the transport's framing. Polling reads are done by {@link #next} (one GET per call when nothing is buffered).
 */
final class EngineIoClient implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final URI base;
    private boolean polling;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket webSocket;
    private String sid;
    private JsonNode open;

    private EngineIoClient(URI base, boolean polling) {
        this.base = base;
        this.polling = polling;
    }

    /** {@code base}: the edge's http root. Opens the session and reads the open packet. */
    static EngineIoClient polling(URI base) throws Exception {
        EngineIoClient client = new EngineIoClient(base, true);
        HttpResponse<String> handshake = get(client.uri("polling", null));
        assertEquals(200, handshake.statusCode(), handshake.body());
        client.readOpen(split(handshake.body()));
        return client;
    }

    static EngineIoClient webSocket(URI base) throws Exception {
        EngineIoClient client = new EngineIoClient(base, false);
        URI uri = URI.create(client.uri("websocket", null).toString().replaceFirst("^http", "ws"));
        client.webSocket = HTTP.newWebSocketBuilder().buildAsync(uri, client.listener()).get(10, TimeUnit.SECONDS);
        client.readOpen(List.of(client.received.poll(Edge.WAIT.toMillis(), TimeUnit.MILLISECONDS)));
        return client;
    }

    private void readOpen(List<String> packets) throws IOException {
        String first = packets.get(0);
        assertTrue(first.startsWith("0{"), first);
        open = Json.mapper().readTree(first.substring(1));
        sid = open.path("sid").asText();
        received.addAll(packets.subList(1, packets.size()));
    }

    /**
     * Engine.IO's upgrade of this polling session: a WebSocket with the sid, {@code 2probe} answered {@code 3probe};
     * then {@code beforeSwitch} runs (the test's last polls, say) and {@code 5} moves the session to the WebSocket.
     * Packets that arrive on the WebSocket are read after those buffered from polling.
     */
    void upgrade(ThrowingRunnable beforeSwitch) throws Exception {
        URI uri = URI.create(uri("websocket", sid).toString().replaceFirst("^http", "ws"));
        BlockingQueue<String> polled = new LinkedBlockingQueue<>(received);
        received.clear();
        webSocket = HTTP.newWebSocketBuilder().buildAsync(uri, listener()).get(10, TimeUnit.SECONDS);
        webSocket.sendText("2probe", true).get(10, TimeUnit.SECONDS);
        String probe = received.poll(Edge.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals("3probe", probe);
        BlockingQueue<String> onSocket = new LinkedBlockingQueue<>(received);
        received.clear();
        received.addAll(polled);
        beforeSwitch.run();
        polled = new LinkedBlockingQueue<>(received);
        received.clear();
        received.addAll(polled);
        received.addAll(onSocket);
        webSocket.sendText("5", true).get(10, TimeUnit.SECONDS);
        polling = false;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Reads the polling transport (a GET per call) until a GET answers with a noop, keeping the packets. */
    void pollUntilNoop() throws Exception {
        while (true) {
            HttpResponse<String> poll = get(uri("polling", sid));
            assertEquals(200, poll.statusCode(), poll.body());
            List<String> packets = split(poll.body());
            boolean noop = packets.remove("6");
            received.addAll(packets);
            if (noop) {
                return;
            }
        }
    }

    JsonNode open() {
        return open;
    }

    String sid() {
        return sid;
    }

    URI uri(String transport, String sid) {
        return URI.create(base.resolve("/socket.io/") + "?EIO=4&transport=" + transport
                + (sid == null ? "" : "&sid=" + sid));
    }

    /** Sends packets: one POST for polling, one message each for a WebSocket. */
    void send(String... packets) throws Exception {
        if (polling) {
            HttpResponse<String> answer = post(uri("polling", sid), String.join("\u001e", packets));
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("ok", answer.body());
        } else {
            for (String packet : packets) {
                webSocket.sendText(packet, true).get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The next packet, waiting for it (a GET per empty buffer when polling); fails after {@link Edge#WAIT}. */
    String next() throws Exception {
        long deadline = System.nanoTime() + Edge.WAIT.toNanos();
        while (true) {
            String packet = received.poll();
            if (packet != null) {
                return packet;
            }
            long left = deadline - System.nanoTime();
            assertTrue(left > 0, "no packet within " + Edge.WAIT);
            if (polling) {
                HttpResponse<String> poll = get(uri("polling", sid));
                assertEquals(200, poll.statusCode(), poll.body());
                received.addAll(split(poll.body()));
            } else {
                packet = received.poll(left, TimeUnit.NANOSECONDS);
                if (packet != null) {
                    return packet;
                }
            }
        }
    }

    /** The first packet matching {@code wanted}, skipping others (pings are answered). */
    String await(Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + Edge.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String packet = next();
            if (packet.equals("2")) {
                send("3");
            }
            if (wanted.test(packet)) {
                return packet;
            }
        }
        throw new AssertionError("no matching packet within " + Edge.WAIT);
    }

    String awaitPrefix(String prefix) throws Exception {
        return await(packet -> packet.startsWith(prefix));
    }

    /** Fails if a packet starting with {@code prefix} was received and not read yet. */
    void assertNoPacketStartingWith(String prefix) {
        for (String packet : received) {
            assertTrue(!packet.startsWith(prefix), "unexpected " + packet);
        }
    }

    /** The WebSocket's close code, once the server closed it. */
    int awaitClosed() throws Exception {
        Integer code = closed.get(Edge.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(code);
        return code;
    }

    @Override
    public void close() {
        if (webSocket != null && !webSocket.isOutputClosed()) {
            webSocket.sendClose(1000, "bye");
        }
    }

    static List<String> split(String payload) {
        List<String> packets = new ArrayList<>(List.of(payload.split("\u001e", -1)));
        packets.removeIf(String::isEmpty);
        return packets;
    }

    /** A GET written by hand (for a request target no URI class accepts): the status line's code and the body. */
    static String[] rawGet(URI base, String target) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) Edge.WAIT.toMillis());
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return new String[] {answer.substring(9, 12), answer.substring(answer.indexOf("\r\n\r\n") + 4)};
        }
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(URI uri, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    received.add(text.toString());
                    text.setLength(0);
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                closed.complete(1006);
            }
        };
    }
}
