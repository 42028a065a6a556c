package dev.realtime.faults;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A protocol-only client of the edge (docs/realtime-protocol.md), written as a careful application would write one
 * without the SDK: it connects naming the last {@code seq} of its own room in the upgrade, subscribes to its other
 * rooms with {@code since} = the last {@code seq} it saw there, and
 * when the connection drops (or the upgrade is refused while the edge starts) reconnects with a capped backoff and
 * resumes. It records every {@code event} frame exactly as it came off the wire, duplicates and all: nothing is
 * de-duplicated here, so the suite judges the server's delivery, not a client's repairs.
 */
final class WireClient implements EdgeClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    /** One event frame as received. {@code receivedNanos}: System.nanoTime on arrival. */
    record Frame(int connection, String room, long seq, String event, String eventId, String messageId,
            long receivedNanos) {
    }

    final String user;
    private final URI edge;
    private final Supplier<String> token;
    private final boolean subprotocolCarrier;
    private final List<String> rooms;
    /** {@code user:<sub>}: resumed in the upgrade ({@code /ws?since=N}), not by a subscribe. */
    private final String ownRoom;
    final List<Frame> frames = new CopyOnWriteArrayList<>();
    /** Highest seq seen per room: what a resume asks for. */
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    /** Rooms acked on the current connection. */
    private final Map<String, Boolean> subscribed = new ConcurrentHashMap<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger incompleteResumes = new AtomicInteger();
    final List<String> problems = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService loop;
    private volatile WebSocket socket;
    private volatile boolean closed;
    private volatile int failures;
    private int reconnectScheduledFor = -1;

    /**
     * @param subprotocolCarrier send the token as browsers do ({@code Sec-WebSocket-Protocol}) instead of the
     *                           Authorization header
     */
    WireClient(String user, URI edge, Supplier<String> token, boolean subprotocolCarrier, List<String> rooms) {
        this.user = user;
        this.edge = edge;
        this.token = token;
        this.subprotocolCarrier = subprotocolCarrier;
        this.rooms = List.copyOf(rooms);
        this.ownRoom = "user:" + user;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "wire-" + user);
            thread.setDaemon(true);
            return thread;
        });
        loop.execute(this::connect);
    }

    /** Every room of the client is acked on the current connection. */
    @Override
    public boolean live() {
        WebSocket current = socket;
        return current != null && !current.isInputClosed() && subscribed.size() == rooms.size();
    }

    /** For a failure message: connections made, the socket's state, the rooms acked on it. */
    @Override
    public String state() {
        WebSocket current = socket;
        return user + ": connections=" + connections.get() + " socket=" + (current == null ? "none"
                : current.isInputClosed() ? "closed" : "open") + " acked=" + subscribed.keySet() + " of " + rooms
                + " frames=" + frames.size() + " problems=" + problems;
    }

    private void connect() {
        if (closed) {
            return;
        }
        int number = connections.incrementAndGet();
        subscribed.clear();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        String bearer = token.get();
        if (subprotocolCarrier) {
            String carrier = URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + bearer,
                    StandardCharsets.UTF_8).replace("+", "%20");
            builder.subprotocols("bearer-token-carrier", carrier);
        } else {
            builder.header("Authorization", "Bearer " + bearer);
        }
        // The own room is joined on connect: its position travels with the upgrade (from 0 at first, so the client
        // must see that room from its first event), never in a subscribe that would come after live frames.
        URI upgrade = URI.create(edge + "?since=" + lastSeq.getOrDefault(ownRoom, 0L));
        builder.buildAsync(upgrade, new Listener(number)).whenComplete((ws, error) -> {
            if (error != null) {
                loop.execute(() -> reconnectLater(number));
            } else {
                socket = ws;
            }
        });
    }

    /** On the loop thread only; once per connection, however many of onClose, onError and a failed upgrade fire. */
    private void reconnectLater(int connection) {
        if (closed || connection != connections.get() || reconnectScheduledFor == connection) {
            return;
        }
        reconnectScheduledFor = connection;
        socket = null;
        subscribed.clear();
        failures++;
        long millis = Math.min(MAX_BACKOFF.toMillis(), 100L << Math.min(failures - 1, 10));
        loop.schedule(this::connect, millis, TimeUnit.MILLISECONDS);
    }

    private void subscribe(WebSocket ws, int connection, String room) {
        Long since = lastSeq.get(room);
        Map<String, Object> frame = since == null
                // First subscription: from the start of the room, so the client must see its every event.
                ? Map.of("type", "subscribe", "id", connection + "|" + room, "room", room, "since", 0)
                : Map.of("type", "subscribe", "id", connection + "|" + room, "room", room, "since", since);
        String text;
        try {
            text = JSON.writeValueAsString(frame);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // The JDK's WebSocket refuses a send while the previous one is pending (a failed future, not an exception):
        // chain them, one after the other.
        synchronized (this) {
            sending = sending.exceptionally(e -> null).thenCompose(ignored -> ws.sendText(text, true))
                    .whenComplete((ignored, error) -> {
                        if (error != null && !closed) {
                            problems.add("send failed: " + error);
                        }
                    }).thenApply(ignored -> null);
        }
    }

    private CompletableFuture<Void> sending = CompletableFuture.completedFuture(null);

    private final class Listener implements WebSocket.Listener {
        private final int connection;
        private final StringBuilder partial = new StringBuilder();

        Listener(int connection) {
            this.connection = connection;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    handle(webSocket, JSON.readTree(text));
                } catch (Exception e) {
                    problems.add("unreadable frame: " + e.getMessage());
                }
            }
            webSocket.request(1);
            return null;
        }

        private void handle(WebSocket ws, JsonNode frame) {
            long now = System.nanoTime();
            switch (frame.path("type").asText()) {
                case "welcome" -> {
                    socket = ws;
                    for (String room : rooms) {
                        if (!room.equals(ownRoom)) {
                            subscribe(ws, connection, room);
                        }
                    }
                }
                case "event" -> {
                    String room = frame.path("room").asText();
                    long seq = frame.path("seq").asLong(-1);
                    frames.add(new Frame(connection, room, seq, frame.path("event").asText(),
                            frame.path("eventId").asText(), frame.path("data").path("messageId").asText(null), now));
                    if (seq >= 0) {
                        lastSeq.merge(room, seq, Math::max);
                    }
                }
                case "ack", "resumed" -> {
                    String room = frame.path("room").asText();
                    if (rooms.contains(room)) {
                        subscribed.put(room, true);
                        failures = 0;
                    }
                    JsonNode resume = frame.path("resume");
                    if (!resume.isMissingNode() && !resume.path("complete").asBoolean(true)) {
                        incompleteResumes.incrementAndGet();
                        problems.add("incomplete resume " + frame);
                    }
                }
                case "error" -> {
                    String id = frame.path("id").asText("");
                    int bar = id.indexOf('|');
                    if (bar > 0 && "room.not_found".equals(frame.path("code").asText())) {
                        // The membership has not reached this edge yet: ask again, as a front end would.
                        String room = id.substring(bar + 1);
                        loop.schedule(() -> {
                            if (socket == ws && !ws.isOutputClosed()) {
                                subscribe(ws, connection, room);
                            }
                        }, 300, TimeUnit.MILLISECONDS);
                    } else {
                        problems.add("error frame " + frame);
                    }
                }
                default -> {
                    // presence, typing, unsubscribed: not what this suite measures
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!closed) {
                loop.execute(() -> reconnectLater(connection));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (!closed) {
                loop.execute(() -> reconnectLater(connection));
            }
        }
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String label() {
        return user;
    }

    @Override
    public List<Frame> frames() {
        return new ArrayList<>(frames);
    }

    @Override
    public int connections() {
        return connections.get();
    }

    @Override
    public int incompleteResumes() {
        return incompleteResumes.get();
    }

    @Override
    public List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        closed = true;
        loop.shutdownNow();
        WebSocket current = socket;
        if (current != null) {
            current.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
            current.abort();
        }
    }
}
