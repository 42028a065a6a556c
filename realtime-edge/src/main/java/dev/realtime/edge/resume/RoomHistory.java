package dev.realtime.edge.resume;

import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.config.EdgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The recent events of every sequenced room this instance has read, whether or not it has a subscriber here: a
 * client reconnects to any instance (no sticky sessions), so every instance must be able to replay. Bounded per
 * room and in total; the rooms used least recently go first.
 *
 * <p>It also drops redelivered events: the relay publishes at least once, and a client must see each {@code seq}
 * of a room once. A room evicted from the window forgets its last seq, so a duplicate of an evicted room's old event
 * can still pass; clients de-duplicate by {@code seq} as well (the SDK does).
 */
@ApplicationScoped
public class RoomHistory {
    /** What the window holds for a room: every event with {@code seq > coversAfter} that it read, oldest first. */
    public record Snapshot(List<IntegrationEvent> events, long coversAfter, boolean known) {
        /** Whether the window alone can replay everything after {@code since}. */
        public boolean covers(long since) {
            return known && since >= coversAfter;
        }
    }

    private static final class Window {
        final ArrayDeque<IntegrationEvent> events = new ArrayDeque<>();
        long coversAfter;
        long lastSeq;
    }

    private final int perRoom;
    private final int total;
    private final Map<Room, Window> windows = new LinkedHashMap<>(1024, 0.75f, true);
    private int retained;

    @Inject
    public RoomHistory(EdgeConfig config) {
        this.perRoom = config.resume().windowPerRoom();
        this.total = config.resume().windowTotal();
    }

    /** A redelivery: the room's window already saw this seq or a later one. */
    public static final long DUPLICATE = -1;
    /** The seq follows the last one read (or nothing is known of the room before it). */
    public static final long IN_ORDER = -2;

    /**
     * Keeps a sequenced event of its own room.
     *
     * @return {@link #DUPLICATE} (do not deliver it), {@link #IN_ORDER}, or, when seqs are missing before this one,
     *         the last seq read before the gap: the window starts again at this event, since it cannot replay across
     *         the hole (a resume from before it goes to the owner, who has every event)
     */
    public synchronized long record(IntegrationEvent event) {
        Room room = event.room();
        long seq = event.seq();
        Window window = windows.get(room);
        long gapAfter = IN_ORDER;
        if (window == null) {
            window = new Window();
            // Nothing is known of the room before the first event this instance read.
            window.coversAfter = seq - 1;
            windows.put(room, window);
        } else if (seq <= window.lastSeq) {
            return DUPLICATE;
        } else if (seq > window.lastSeq + 1) {
            gapAfter = window.lastSeq;
            retained -= window.events.size();
            window.events.clear();
            window.coversAfter = seq - 1;
        }
        window.lastSeq = seq;
        if (perRoom > 0) {
            window.events.addLast(event);
            retained++;
            if (window.events.size() > perRoom) {
                window.coversAfter = window.events.removeFirst().seq();
                retained--;
            }
        } else {
            window.coversAfter = seq;
        }
        evictBeyondTotal();
        return gapAfter;
    }

    /** The events of {@code room} after {@code since} that the window holds, and how far back it is complete. */
    public synchronized Snapshot since(Room room, long since) {
        Window window = windows.get(room);
        if (window == null) {
            return new Snapshot(List.of(), 0, false);
        }
        List<IntegrationEvent> after = window.events.stream().filter(event -> event.seq() > since).toList();
        return new Snapshot(after, window.coversAfter, true);
    }

    /** The last seq of {@code room} this instance read, when it knows the room. */
    public synchronized OptionalLong head(Room room) {
        Window window = windows.get(room);
        return window == null ? OptionalLong.empty() : OptionalLong.of(window.lastSeq);
    }

    public synchronized int retainedEvents() {
        return retained;
    }

    private void evictBeyondTotal() {
        Iterator<Map.Entry<Room, Window>> eldest = windows.entrySet().iterator();
        while (retained > total && eldest.hasNext()) {
            Window window = eldest.next().getValue();
            retained -= window.events.size();
            eldest.remove();
        }
    }
}
