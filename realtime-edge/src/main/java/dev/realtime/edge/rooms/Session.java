package dev.realtime.edge.rooms;

import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.metrics.EdgeMetrics;
import dev.realtime.edge.protocol.CloseCodes;
import dev.realtime.edge.protocol.OutboundFrame;
import io.smallrye.mutiny.Uni;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import org.jboss.logging.Logger;

/**
 * One open WebSocket connection of one user. The user id and roles are fixed for the life of the connection (a
 * token refresh may only extend {@link #expiresAt()}); the rooms change with subscribes, unsubscribes and
 * revocations.
 */
public final class Session {
    private static final Logger LOG = Logger.getLogger(Session.class);
    /** {@link #expiresAtSecond} of a token without {@code exp}. */
    private static final long NO_EXPIRY = Long.MAX_VALUE;
    /*
     * Field updaters rather than AtomicInteger and AtomicBoolean objects: 48 bytes less per connection (issue 18's
     * memory per idle connection), the same atomicity.
     */
    private static final AtomicIntegerFieldUpdater<Session> REPLAYING =
            AtomicIntegerFieldUpdater.newUpdater(Session.class, "replaying");
    private static final VarHandle CLOSING;
    private static final VarHandle CATCHING_UP;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CLOSING = lookup.findVarHandle(Session.class, "closing", boolean.class);
            CATCHING_UP = lookup.findVarHandle(Session.class, "catchingUp", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Connection connection;
    private final String user;
    private final String displayName;
    private final Set<String> roles;
    /**
     * The rooms the session is in, and those of them it was put in on connect: immutable sets, replaced whole under
     * roomState (joins are rare, reads are per delivery), so that an idle connection keeps no map of its own.
     */
    private volatile Set<Room> rooms = Set.of();
    private volatile Set<Room> automaticRooms = Set.of();
    /**
     * Rooms this session is typing in → {last start from the client, last start announced}, System.nanoTime().
     * Null until the client first types.
     */
    private volatile Map<Room, long[]> typing;
    private final InboundBudget inbound;
    /** How long the socket under the connection has taken no bytes while its buffer is full; see {@link Socket}. */
    private final LongUnaryOperator socketStalledFor;
    private final int sendQueueLimit;
    private final EdgeMetrics metrics;
    private final Wire wire;
    /**
     * Frames queued and not yet handed to the wire, oldest first: an {@link OutboundFrame}, a {@link Tracked} one
     * whose writer waits for the socket, or a {@link Runnable} to run in its turn (the close). Null while empty.
     * Guarded by roomState, like {@link #drainRequested}.
     */
    private List<Object> outbox;
    private boolean drainRequested;
    private final Runnable drainTask = this::drain;
    /** Frames handed to the wire that its socket had not taken at the last look (on the event loop). */
    private volatile int unwritten;
    /**
     * Replayed frames not yet taken by the socket: they are paced by the socket, not by the send queue, so they do
     * not count against its limit (a resume of a thousand events is not a slow client).
     */
    private volatile int replaying;
    private volatile boolean closing;
    /*
     * The rooms' delivery state below is guarded by roomState, and each map is made on first use: most connections
     * never resume, fall behind or lose a frame, and an idle one should cost as little as it can.
     */
    /** Rooms being resumed: their live frames wait here until the replay is out (see {@link #holdLive}). */
    private Map<Room, HeldRoom> held;
    /**
     * Per sequenced room, the first and the last seq sent on this connection, live or replayed: a resume of a room
     * that is already live here never repeats a seq, and knows whether the client may have missed something before
     * the first live one.
     */
    private Map<Room, long[]> sentSeqs;
    /**
     * Sequenced rooms whose live frames found the send queue full (a burst from upstream, a client busy for a
     * moment) → the last seq sent there. Their frames are dropped until the client has read the queue down; then
     * they are caught up like a resume from that seq ({@link #beginCatchUp}).
     */
    private Map<Room, Long> behind;
    /** Guards held, sentSeqs' contents, behind, lostUnsequenced and the outbox together. */
    private final Object roomState = new Object();
    /** Rooms without seq that lost frames to a full queue: told to reload ({@code resync}) once caught up. */
    private Set<Room> lostUnsequenced;
    /** System.nanoTime() when the session last fell behind, 0 while it is not behind. */
    private volatile long behindSince;
    private volatile boolean catchingUp;
    private volatile Consumer<Session> catchUp = ignored -> {
    };
    /** The queue must be read down to this before a catch-up starts. */
    private final int catchUpBelow;
    /** The token's {@code exp} (whole seconds, as JWTs have it); {@link #NO_EXPIRY} for a token without one. */
    private volatile long expiresAtSecond;
    private volatile long lastSeen = System.nanoTime();
    private final long openedAtMillis = System.currentTimeMillis();
    /** The code of the edge's own close, once it decided to close; 0 while it has not (the client may close first). */
    private volatile int closeCode;
    private volatile String closeReason;

    public Session(Connection connection, String user, String displayName, Set<String> roles,
            Instant expiresAt, Limits limits, Socket socket, EdgeMetrics metrics) {
        this.connection = connection;
        this.user = user;
        this.displayName = displayName;
        this.roles = Set.copyOf(roles);
        extendTo(expiresAt);
        this.sendQueueLimit = limits.sendQueue();
        this.catchUpBelow = Math.max(1, limits.sendQueue() / 4);
        this.metrics = metrics;
        this.inbound = socket.inbound();
        this.socketStalledFor = socket.stalledFor();
        this.wire = socket.wire();
    }

    /**
     * What a session needs of the connection under it: its id, whether it is open, its keep-alive and its close. The
     * gateway's WebSocket in the native protocol ({@code ws.GatewayConnection}); the session itself knows no
     * transport.
     */
    public interface Connection {
        String id();

        boolean isOpen();

        /** A keep-alive the client answers (a WebSocket ping); nothing once the connection is closed. */
        void ping();

        /** Closes with a close frame carrying {@code code} and {@code reason}, unless the connection is closed. */
        void close(int code, String reason);
    }

    /** The per-connection limits a session enforces itself. */
    public record Limits(int sendQueue) {
    }

    /**
     * What the edge knows of the socket below the connection: its inbound budget (shared with the control frames,
     * which never reach the session), for how long, at a given System.nanoTime(), its write buffer has been full
     * without the client taking a byte (0 when it is not), and the wire the session's frames go out on.
     */
    public record Socket(InboundBudget inbound, LongUnaryOperator stalledFor, Wire wire) {
    }

    /** A queued frame whose writer is told when the socket took it. */
    private record Tracked(OutboundFrame frame, Wire.WriteListener listener) {
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

    /** The rooms the session is in: an immutable snapshot. */
    Set<Room> rooms() {
        return rooms;
    }

    /** @return false when the session was in the room already */
    boolean enter(Room room) {
        synchronized (roomState) {
            if (rooms.contains(room)) {
                return false;
            }
            rooms = sameAs(with(rooms, room), automaticRooms);
            return true;
        }
    }

    /** @return false when the session was not in the room */
    boolean exit(Room room) {
        synchronized (roomState) {
            if (!rooms.contains(room)) {
                return false;
            }
            Set<Room> rest = new HashSet<>(rooms);
            rest.remove(room);
            rooms = sameAs(Set.copyOf(rest), automaticRooms);
            return true;
        }
    }

    void markAutomatic(Room room) {
        synchronized (roomState) {
            automaticRooms = sameAs(with(automaticRooms, room), rooms);
        }
    }

    /**
     * {@code other} when it holds the same rooms: a connection that is only in its automatic rooms, as most idle
     * ones are, keeps one set for both.
     */
    private static Set<Room> sameAs(Set<Room> set, Set<Room> other) {
        return set.equals(other) ? other : set;
    }

    private static Set<Room> with(Set<Room> set, Room room) {
        Set<Room> more = new HashSet<>(set);
        more.add(room);
        return Set.copyOf(more);
    }

    /** Rooms the client asked for, as opposed to those it was put in on connect. */
    public long subscriptionCount() {
        return rooms.stream().filter(room -> !automaticRooms.contains(room)).count();
    }

    /** When the connection's authority ends (the token's expiry), or null when its token had none. */
    public Instant expiresAt() {
        long second = expiresAtSecond;
        return second == NO_EXPIRY ? null : Instant.ofEpochSecond(second);
    }

    /** Whether the connection's authority has ended at {@code now}: per session and sweep, without an allocation. */
    public boolean expiredAt(Instant now) {
        long second = expiresAtSecond;
        return second != NO_EXPIRY && now.getEpochSecond() >= second;
    }

    /** A refreshed token's expiry ({@code exp}, whole seconds); null for a token without one. */
    public void extendTo(Instant newExpiry) {
        expiresAtSecond = newExpiry == null ? NO_EXPIRY : newExpiry.getEpochSecond();
    }

    /** What {@link #deliver} did with a frame (counted by the fan-out's span). */
    public static final int QUEUED = 0;
    public static final int HELD = 1;
    public static final int DROPPED = 2;
    public static final int SKIPPED = 3;

    /**
     * Delivers a live frame of {@code room}, or holds it while the room is being resumed. {@code seq} is the room's
     * seq of the event, or null when the event has none in this room.
     *
     * @return {@link #QUEUED}; {@link #HELD} while the room resumes; {@link #DROPPED} when the session is behind (its
     *     catch-up replays it) or its queue is full; {@link #SKIPPED} for a seq already sent
     */
    public int deliver(Room room, Long seq, OutboundFrame frame) {
        // One lock for the rooms' delivery state (held, behind, sent): a live frame, a replay, a release and the
        // start of a catch-up each see and change it whole, so no frame slips between a hold and a replay.
        synchronized (roomState) {
            HeldRoom resuming = held == null ? null : held.get(room);
            if (resuming != null) {
                // Bounded like the send queue; what does not fit is replayed after the release (a catch-up).
                if (resuming.held.size() < sendQueueLimit) {
                    resuming.held.add(new HeldRoom.Held(seq, frame));
                    return HELD;
                }
                resuming.overflowed = true;
                return DROPPED;
            }
            if (behind != null && behind.containsKey(room)) {
                // Dropped: the catch-up replays the room from the last seq sent (the window or the owner has it).
                return DROPPED;
            }
            if (seq == null) {
                if (tryQueue(frame)) {
                    return QUEUED;
                }
                lostUnsequenced().add(room);
                noteBehind();
                return DROPPED;
            }
            long[] sent = sentSeqs().computeIfAbsent(room, ignored -> new long[] {seq, seq - 1});
            if (seq <= sent[1]) {
                return SKIPPED;
            }
            if (tryQueue(frame)) {
                sent[1] = seq;
                return QUEUED;
            }
            behind().putIfAbsent(room, sent[1]);
            noteBehind();
            return DROPPED;
        }
    }

    /** Called with roomState held, as are the three below. */
    private Map<Room, long[]> sentSeqs() {
        if (sentSeqs == null) {
            sentSeqs = new HashMap<>(4);
        }
        return sentSeqs;
    }

    private Map<Room, Long> behind() {
        if (behind == null) {
            behind = new HashMap<>(4);
        }
        return behind;
    }

    private Set<Room> lostUnsequenced() {
        if (lostUnsequenced == null) {
            lostUnsequenced = new HashSet<>(4);
        }
        return lostUnsequenced;
    }

    private Map<Room, HeldRoom> held() {
        if (held == null) {
            held = new HashMap<>(4);
        }
        return held;
    }

    private void noteBehind() {
        if (behindSince == 0) {
            behindSince = System.nanoTime();
            metrics.sendQueueOverflow();
        }
    }

    /**
     * How long the session has been behind without the client reading its queue down, or its socket has taken
     * nothing while full (pongs to its own pings pile up there, outside the send queue); 0 when neither.
     */
    public long behindForNanos(long now) {
        long since = behindSince;
        long queue = since == 0 || catchingUp ? 0 : now - since;
        return Math.max(queue, socketStalledFor.applyAsLong(now));
    }

    /** Called (on the connection's event loop) when the client has read its queue down after falling behind. */
    public void onCatchUp(Consumer<Session> action) {
        catchUp = action;
    }

    /** What a catch-up has to do: replay each sequenced room after its seq, tell each unsequenced room to reload. */
    public record CatchUp(Map<Room, Long> rooms, Set<Room> unsequenced) {
    }

    /**
     * Starts catching up: the rooms that fell behind go into resume (their live frames are held from here, before
     * they stop being dropped, so nothing slips between), and the session no longer counts as behind.
     */
    public CatchUp beginCatchUp() {
        synchronized (roomState) {
            Map<Room, Long> rooms = behind == null ? Map.of() : new HashMap<>(behind);
            rooms.forEach(this::holdLive);
            behind = null;
            Set<Room> unsequenced = lostUnsequenced == null ? Set.of() : Set.copyOf(lostUnsequenced);
            lostUnsequenced = null;
            behindSince = 0;
            return new CatchUp(rooms, unsequenced);
        }
    }

    /** The catch-up is written; if the session fell behind again meanwhile and has read down, go again. */
    public void endCatchUp() {
        catchingUp = false;
        maybeCatchUp();
    }

    private void maybeCatchUp() {
        if (behindSince != 0 && queuedApproximately() <= catchUpBelow && !isClosing()
                && CATCHING_UP.compareAndSet(this, false, true)) {
            catchUp.accept(this);
        }
    }

    /**
     * Records {@code seq} as sent in {@code room}; false when this connection already had it (or a later one).
     * Called with roomState held.
     */
    private boolean sending(Room room, long seq) {
        long[] sent = sentSeqs().computeIfAbsent(room, ignored -> new long[] {seq, seq - 1});
        if (seq <= sent[1]) {
            return false;
        }
        sent[1] = seq;
        return true;
    }

    /**
     * From now on, live frames of {@code room} are held until {@link #releaseLive}; the client has seen up to
     * {@code since}. Seqs this connection already sent in the room are not sent again.
     *
     * @return false when the room was live on this connection and its first seq here came after {@code since + 1}:
     *         what lies between was never sent here and can no longer be sent in order (the resume is incomplete)
     */
    public boolean holdLive(Room room, long since) {
        synchronized (roomState) {
            long[] sent = sentSeqs == null ? null : sentSeqs.get(room);
            HeldRoom resuming = new HeldRoom(since);
            held().put(room, resuming);
            if (sent == null) {
                return true;
            }
            resuming.lastSent = Math.max(since, sent[1]);
            return sent[0] <= since + 1;
        }
    }

    /**
     * Sends replayed frames (seq, frame) of a room being resumed, oldest first, skipping seqs already sent, and
     * completes when the socket took them: a replay of thousands of events is paced by the socket instead of filling
     * the send queue (whose limit is for live traffic).
     */
    public Uni<Void> replay(Room room, List<Map.Entry<Long, String>> frames) {
        CompletableFuture<Void> taken = new CompletableFuture<>();
        synchronized (roomState) {
            HeldRoom resuming = held == null ? null : held.get(room);
            if (resuming == null || frames.isEmpty() || isClosing()) {
                return Uni.createFrom().voidItem();
            }
            List<OutboundFrame> fresh = new ArrayList<>(frames.size());
            for (Map.Entry<Long, String> frame : frames) {
                if (frame.getKey() > resuming.lastSent) {
                    resuming.lastSent = frame.getKey();
                    sending(room, frame.getKey());
                    fresh.add(OutboundFrame.text(frame.getValue()));
                }
            }
            if (fresh.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            REPLAYING.addAndGet(this, fresh.size());
            Wire.WriteListener replayed = ignored -> REPLAYING.decrementAndGet(this);
            for (int i = 0; i < fresh.size() - 1; i++) {
                enqueue(fresh.get(i), replayed);
            }
            // The socket takes a connection's frames in order: when it took the last, it took them all.
            enqueue(fresh.get(fresh.size() - 1), wasTaken -> {
                REPLAYING.decrementAndGet(this);
                if (!wasTaken) {
                    LOG.debugf("Replay to connection %s ended with the connection", connection.id());
                }
                taken.complete(null);
            });
        }
        return Uni.createFrom().completionStage(taken);
    }

    /**
     * The session left the room: a later subscribe starts afresh (with {@code since} 0, say, to see it all again), and
     * a resume of it under way sends nothing more (its held frames are not for this client any longer).
     */
    void forgetSent(Room room) {
        synchronized (roomState) {
            if (held != null) {
                held.remove(room);
            }
            if (sentSeqs != null) {
                sentSeqs.remove(room);
            }
            if (behind != null) {
                behind.remove(room);
            }
            if (lostUnsequenced != null) {
                lostUnsequenced.remove(room);
            }
        }
    }

    /** Forgets a resume that did not happen (the subscribe was refused): its held frames are not for this client. */
    public void discardHeld(Room room) {
        synchronized (roomState) {
            if (held != null) {
                held.remove(room);
            }
        }
    }

    /** Sends the live frames held during the resume that the replay did not already send, and goes live. */
    public void releaseLive(Room room) {
        synchronized (roomState) {
            HeldRoom resuming = held == null ? null : held.get(room);
            if (resuming == null) {
                return;
            }
            for (HeldRoom.Held frame : resuming.held) {
                if (frame.seq() == null) {
                    if (!tryQueue(frame.frame())) {
                        lostUnsequenced().add(room);
                        noteBehind();
                    }
                } else if (frame.seq() > resuming.lastSent && (behind == null || !behind.containsKey(room))) {
                    if (tryQueue(frame.frame())) {
                        resuming.lastSent = frame.seq();
                        sending(room, frame.seq());
                    } else {
                        // A burst held during the replay: the rest is caught up later, like any live overflow.
                        behind().putIfAbsent(room, resuming.lastSent);
                        noteBehind();
                    }
                }
            }
            // The client has everything up to since: a live copy of an older seq (an instance that reads the topic
            // behind the one the client came from) is not sent again.
            if (room.hasOwningStream()) {
                long[] sent = sentSeqs().computeIfAbsent(room,
                        ignored -> new long[] {resuming.since + 1, resuming.since});
                sent[1] = Math.max(sent[1], resuming.lastSent);
            }
            if (resuming.overflowed) {
                if (room.hasOwningStream()) {
                    behind().putIfAbsent(room, resuming.lastSent);
                } else {
                    lostUnsequenced().add(room);
                }
                noteBehind();
            }
            held.remove(room, resuming);
        }
    }

    public void touch() {
        lastSeen = System.nanoTime();
    }

    /** Asks the client for a sign of life (its answer {@link #touch}es the session). */
    public void ping() {
        if (!isClosing()) {
            connection.ping();
        }
    }

    public long lastSeenNanos() {
        return lastSeen;
    }

    /** The rooms the session types in, made on first use (typing frames come on the connection's event loop). */
    public Map<Room, long[]> typing() {
        Map<Room, long[]> map = typing;
        if (map == null) {
            synchronized (roomState) {
                map = typing;
                if (map == null) {
                    map = new ConcurrentHashMap<>(4);
                    typing = map;
                }
            }
        }
        return map;
    }

    /** The rooms the session types in; empty for one that never typed (the sweeper looks every second). */
    public Map<Room, long[]> typingIfAny() {
        Map<Room, long[]> map = typing;
        return map == null ? Map.of() : map;
    }

    /**
     * Takes one frame from the connection's inbound budget (which the client's pings and pongs draw from too).
     *
     * @return 0 when the frame may be handled, otherwise how many frames in a row were refused so far
     */
    public int takeInboundToken() {
        return inbound.take();
    }

    public boolean isClosing() {
        return closing || !connection.isOpen();
    }

    /**
     * Queues a frame that must not be dropped (welcome, answers, resume ends, presence, typing, unsubscribed)
     * without waiting. These are few, so a full queue does not refuse them. Frames go out in the order of the calls,
     * live and replayed ones included, from whatever thread.
     */
    public void send(String frame) {
        if (isClosing()) {
            return;
        }
        boolean overflowing;
        synchronized (roomState) {
            int now = queued() + 1;
            if (now > 4 * sendQueueLimit) {
                overflowing = true;
            } else {
                overflowing = false;
                if (now > sendQueueLimit) {
                    // Counts as behind, so a client that stopped reading is closed by the sweeper; past four times
                    // the limit it is closed at once (the heap stays bounded).
                    noteBehind();
                }
                enqueue(OutboundFrame.text(frame), null);
            }
        }
        if (overflowing) {
            LOG.infof("Closing connection %s of user %s with 4008: more than %d frames waiting for its socket",
                    connection.id(), user, 4 * sendQueueLimit);
            close(CloseCodes.SLOW_CONSUMER, "slow consumer");
        }
    }

    /**
     * Queues a live frame without waiting, so one slow client never holds up the thread that fans an event out to
     * everyone else; false when the queue already holds {@code realtime.limits.send-queue} frames not yet taken by
     * the socket (the caller drops the frame and records what to catch up). The heap stays bounded either way; a
     * client that stops reading altogether is closed by the sweeper (4008). Called with roomState held.
     */
    private boolean tryQueue(OutboundFrame frame) {
        if (isClosing()) {
            return true;
        }
        if (queued() >= sendQueueLimit) {
            return false;
        }
        enqueue(frame, null);
        return true;
    }

    /**
     * Frames queued here or on the socket and not yet taken by it, replayed ones aside. Called with roomState
     * held.
     */
    private int queued() {
        return Math.max(0, (outbox == null ? 0 : outbox.size()) + unwritten - replaying);
    }

    /** {@link #queued()} without the lock, for a decision that is taken again later if it comes out stale. */
    private int queuedApproximately() {
        List<Object> pending = outbox;
        return Math.max(0, (pending == null ? 0 : pending.size()) + unwritten - replaying);
    }

    /** Called with roomState held. */
    private void enqueue(OutboundFrame frame, Wire.WriteListener listener) {
        enqueueEntry(listener == null ? frame : new Tracked(frame, listener));
    }

    /** Called with roomState held. */
    private void enqueueAction(Runnable action) {
        enqueueEntry(action);
    }

    private void enqueueEntry(Object entry) {
        if (outbox == null) {
            outbox = new ArrayList<>(4);
        }
        outbox.add(entry);
        if (!drainRequested) {
            drainRequested = true;
            wire.drainSoon(drainTask);
        }
    }

    /**
     * On the event loop: hands the queued frames to the wire and flushes once. A socket that keeps up costs no
     * tracking at all. While it is behind (frames of an earlier drain still unwritten), each write is tracked, as is
     * the end of a drain that the socket could not take at once: the session learns when the client has read its
     * queue down (to catch up after a burst), and the socket when it last took a frame (the slow-consumer rule).
     */
    private void drain() {
        List<Object> frames;
        synchronized (roomState) {
            drainRequested = false;
            frames = outbox;
            outbox = null;
        }
        if (frames == null) {
            return;
        }
        boolean socketBehind = wire.unwritten() > 0;
        Wire.WriteListener progress = socketBehind ? this::socketProgressed : null;
        for (Object entry : frames) {
            if (entry instanceof Tracked tracked) {
                wire.write(tracked.frame(), taken -> {
                    socketProgressed(taken);
                    tracked.listener().written(taken);
                });
            } else if (entry instanceof Runnable action) {
                wire.flush();
                action.run();
            } else {
                wire.write((OutboundFrame) entry, progress);
            }
        }
        wire.flush();
        unwritten = wire.unwritten();
        if (unwritten > 0 && !socketBehind) {
            wire.whenTaken(this::socketProgressed);
        }
        maybeCatchUp();
    }

    /** On the event loop, after the socket took frames (or failed): a session that fell behind may catch up now. */
    private void socketProgressed(boolean taken) {
        unwritten = wire.unwritten();
        maybeCatchUp();
    }

    /**
     * Closes once with the given code; later calls (a second limit hit meanwhile, say) are ignored. The close frame
     * follows the frames queued before it (an error that explains the close, say); nothing queued after it goes out.
     */
    public void close(int code, String reason) {
        if (!CLOSING.compareAndSet(this, false, true)) {
            return;
        }
        closeReason = reason;
        closeCode = code;
        metrics.closed(code);
        LOG.debugf("Closing connection %s of user %s: %d %s", connection.id(), user, code, reason);
        synchronized (roomState) {
            enqueueAction(() -> connection.close(code, reason));
        }
    }

    /** When the connection was opened (wall clock). */
    public Instant openedAt() {
        return Instant.ofEpochMilli(openedAtMillis);
    }

    /** The code the edge closed this session with, or 0 if it did not (yet). */
    public int serverCloseCode() {
        return closeCode;
    }

    /** The reason the edge closed this session with, or null. */
    public String serverCloseReason() {
        return closeReason;
    }

    @Override
    public String toString() {
        return "Session[" + connection.id() + "]";
    }
}
