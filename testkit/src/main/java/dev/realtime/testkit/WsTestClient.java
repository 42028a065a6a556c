package dev.realtime.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's) for tests: connects with a bearer token, either in the
 * Authorization header or in the {@code Sec-WebSocket-Protocol} carrier that browsers use, sends JSON
 * text frames and waits for the frames it receives.
 */
public final class WsTestClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final Listener listener;

    private WsTestClient(WebSocket socket, Listener listener) {
        this.socket = socket;
        this.listener = listener;
    }

    public static WsTestClient connect(URI uri, String token) {
        return open(HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token), uri);
    }

    /** Connects with extra upgrade headers, e.g. the Origin a browser page would send. */
    public static WsTestClient connect(URI uri, String token, Map<String, String> headers) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token);
        headers.forEach(builder::header);
        return open(builder, uri);
    }

    /** Connects the way a browser does: the token travels in the Sec-WebSocket-Protocol header. */
    public static WsTestClient connectWithSubprotocolToken(URI uri, String token) {
        String carrier = URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + token, StandardCharsets.UTF_8)
                .replace("+", "%20");
        return open(HTTP.newWebSocketBuilder().subprotocols("bearer-token-carrier", carrier), uri);
    }

    private static WsTestClient open(WebSocket.Builder builder, URI uri) {
        Listener listener = new Listener();
        WebSocket socket = builder.connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, listener).join();
        return new WsTestClient(socket, listener);
    }

    /** The subprotocol the server chose in its handshake response; empty when it chose none. */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void send(String json) {
        socket.sendText(json, true).join();
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    public void send(Object frame) {
        try {
            send(JSON.writeValueAsString(frame));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next received frame that matches, skipping (but keeping in {@link #received()}) the others. */
    public JsonNode await(Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonNode frame = left <= 0 ? null : listener.inbox.poll(left, TimeUnit.NANOSECONDS);
                if (frame == null) {
                    throw new AssertionError("no matching frame within " + timeout + "; received " + received());
                }
                if (match.test(frame)) {
                    return frame;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public JsonNode awaitType(String type, Duration timeout) {
        return await(frame -> type.equals(frame.path("type").asText()), timeout);
    }

    /** Asserts that no frame matching arrives within {@code quiet}. */
    public void assertNone(Predicate<JsonNode> match, Duration quiet) {
        try {
            await(match, quiet);
        } catch (AssertionError expected) {
            return;
        }
        throw new AssertionError("unexpected frame; received " + received());
    }

    public List<JsonNode> received() {
        synchronized (listener.received) {
            return List.copyOf(listener.received);
        }
    }

    /** The close code the server sent, waiting up to {@code timeout}. */
    public int awaitClose(Duration timeout) {
        try {
            return listener.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + timeout, e);
        }
    }

    public boolean isOpen() {
        return !socket.isOutputClosed() && !listener.closed.isDone();
    }

    /**
     * Closes as a well-behaved client does: a close frame with {@code code}, then waits for the server's close frame
     * (up to {@code timeout}) before the socket goes. {@link #close()} aborts right after sending its close frame, so
     * the server may see either.
     */
    public void closeNormally(int code, String reason, Duration timeout) {
        socket.sendClose(code, reason).exceptionally(e -> null);
        try {
            listener.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the server did not answer the close within " + timeout, e);
        } finally {
            socket.abort();
        }
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
        final List<JsonNode> received = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        private void record(JsonNode frame) {
            synchronized (received) {
                received.add(frame);
            }
            inbox.add(frame);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    record(JSON.readTree(text));
                } catch (IOException e) {
                    record(JSON.createObjectNode().put("type", "unparseable").put("raw", text));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
