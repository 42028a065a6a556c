package dev.realtime.edge.rooms;

import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.ops.EdgeMetrics;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One open WebSocket connection of one user. The user id and roles are fixed for the life of the connection (a
 * token refresh may only extend {@link #expiresAt()}); the rooms change with subscribes, unsubscribes and
 * revocations.
 */
public final class Session {
    private static final Logger LOG = Logger.getLogger(Session.class);

    private final WebSocketConnection connection;
    private final String user;
    private final String displayName;
    private final Set<String> roles;
    private final Set<Room> rooms = ConcurrentHashMap.newKeySet();
    private final Set<Room> automaticRooms = ConcurrentHashMap.newKeySet();
    /** Rooms this session is typing in → {last start from the client, last start announced}, System.nanoTime(). */
    private final Map<Room, long[]> typing = new ConcurrentHashMap<>();
    private final Bucket inbound;
    private final int sendQueueLimit;
    private final EdgeMetrics metrics;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private int refusedInARow;
    private volatile Instant expiresAt;
    private volatile long lastSeen = System.nanoTime();

    public Session(WebSocketConnection connection, String user, String displayName, Set<String> roles,
            Instant expiresAt, Limits limits, EdgeMetrics metrics) {
        this.connection = connection;
        this.user = user;
        this.displayName = displayName;
        this.roles = Set.copyOf(roles);
        this.expiresAt = expiresAt;
        this.sendQueueLimit = limits.sendQueue();
        this.metrics = metrics;
        this.inbound = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(limits.frameBurst())
                        .refillGreedy(limits.framesPerSecond(), Duration.ofSeconds(1)).build())
                .build();
    }

    /** The per-connection limits a session enforces itself. */
    public record Limits(int framesPerSecond, int frameBurst, int sendQueue) {
    }

    public String id() {
        return connection.id();
    }

    public String user() {
        return user;
    }

    public String displayName() {
        return displayName;
    }

    public Set<String> roles() {
        return roles;
    }

    public boolean isIn(Room room) {
        return rooms.contains(room);
    }

    Set<Room> rooms() {
        return rooms;
    }

    void markAutomatic(Room room) {
        automaticRooms.add(room);
    }

    /** Rooms the client asked for, as opposed to those it was put in on connect. */
    public long subscriptionCount() {
        return rooms.stream().filter(room -> !automaticRooms.contains(room)).count();
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public void extendTo(Instant newExpiry) {
        expiresAt = newExpiry;
    }

    public void touch() {
        lastSeen = System.nanoTime();
    }

    public long lastSeenNanos() {
        return lastSeen;
    }

    public Map<Room, long[]> typing() {
        return typing;
    }

    /**
     * Takes one frame from the inbound budget. Called on the connection's event loop only, one frame at a time.
     *
     * @return 0 when the frame may be handled, otherwise how many frames in a row were refused so far
     */
    public int takeInboundToken() {
        if (inbound.tryConsume(1)) {
            refusedInARow = 0;
            return 0;
        }
        return ++refusedInARow;
    }

    public boolean isClosing() {
        return closing.get() || !connection.isOpen();
    }

    /**
     * Queues a text frame without waiting, so one slow client never holds up the thread that fans an event out to
     * everyone else. Vert.x serialises writes per connection, so frames keep the order of these calls. Frames not yet
     * written to the socket are bounded: a client that cannot keep up is closed (4008) instead of growing the heap.
     */
    public void send(String frame) {
        if (isClosing()) {
            return;
        }
        if (queued.incrementAndGet() > sendQueueLimit) {
            queued.decrementAndGet();
            metrics.sendQueueOverflow();
            close(CloseCodes.SLOW_CONSUMER, "slow consumer");
            return;
        }
        connection.sendText(frame).subscribe().with(
                ignored -> queued.decrementAndGet(),
                failure -> {
                    queued.decrementAndGet();
                    LOG.debugf("Dropped a frame to connection %s: %s", connection.id(), failure.toString());
                });
    }

    /** Closes once with the given code; later calls (a second limit hit meanwhile, say) are ignored. */
    public void close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        metrics.closed(code);
        LOG.debugf("Closing connection %s of user %s: %d %s", connection.id(), user, code, reason);
        connection.close(new CloseReason(code, reason)).subscribe().with(
                ignored -> {
                },
                failure -> LOG.debugf("Closing connection %s failed: %s", connection.id(), failure.toString()));
    }

    @Override
    public String toString() {
        return "Session[" + connection.id() + "]";
    }
}
