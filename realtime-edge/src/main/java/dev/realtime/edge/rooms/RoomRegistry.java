package dev.realtime.edge.rooms;

import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipRevoked;
import dev.realtime.edge.protocol.ServerFrames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Room → the local sessions subscribed to it. */
@ApplicationScoped
public class RoomRegistry {
    /**
     * Room → its local sessions: an immutable {@code Set.of(session)} while there is one (every user's own room, the
     * usual case, so an idle connection costs no set of its own), a concurrent set from the second on. Changed only
     * inside compute(), which keeps a room's joins and leaves atomic.
     */
    private final ConcurrentHashMap<Room, Set<Session>> subscribers = new ConcurrentHashMap<>();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    @Inject
    MeterRegistry meters;

    void registerGauges(@Observes StartupEvent event) {
        Gauge.builder("realtime.edge.sessions", sessions, Set::size)
                .description("Open WebSocket sessions on this instance").register(meters);
        Gauge.builder("realtime.edge.subscriptions", subscribers,
                        map -> map.values().stream().mapToInt(Set::size).sum())
                .description("Session-room pairs on this instance, automatic rooms included").register(meters);
        Gauge.builder("realtime.edge.rooms", subscribers, Map::size)
                .description("Rooms with at least one local session").register(meters);
    }

    /** A live view of the open sessions; iteration is weakly consistent. */
    public Set<Session> sessions() {
        return sessions;
    }

    public void open(Session session) {
        sessions.add(session);
    }

    public void close(Session session) {
        sessions.remove(session);
        for (Room room : session.rooms()) {
            leave(session, room);
        }
    }

    public void join(Session session, Room room) {
        session.enter(room);
        // compute() keeps join and leave atomic per room, so a join never lands in a set a concurrent leave
        // has just dropped from the map.
        subscribers.compute(room, (r, set) -> {
            if (set == null) {
                return Set.of(session);
            }
            if (set.contains(session)) {
                return set;
            }
            if (!(set instanceof ConcurrentHashMap.KeySetView)) {
                Set<Session> shared = ConcurrentHashMap.newKeySet();
                shared.addAll(set);
                set = shared;
            }
            set.add(session);
            return set;
        });
    }

    /** Joins a room the session is put in on connect; such rooms do not count against the subscription limit. */
    public void joinAutomatically(Session session, Room room) {
        session.markAutomatic(room);
        join(session, room);
    }

    public boolean leave(Session session, Room room) {
        boolean wasIn = session.exit(room);
        session.forgetSent(room);
        subscribers.computeIfPresent(room, (r, set) -> {
            if (!(set instanceof ConcurrentHashMap.KeySetView)) {
                return set.contains(session) ? null : set;
            }
            set.remove(session);
            return set.isEmpty() ? null : set;
        });
        return wasIn;
    }

    /** Rooms with at least one local session; a live, weakly consistent view. */
    public Set<Room> occupiedRooms() {
        return subscribers.keySet();
    }

    /** A live view: iteration is weakly consistent, which is all fan-out needs. */
    public Set<Session> subscribersOf(Room room) {
        Set<Session> set = subscribers.get(room);
        return set == null ? Set.of() : set;
    }

    void onRevoked(@Observes MembershipRevoked revoked) {
        String frame = null;
        for (Session session : subscribersOf(revoked.room())) {
            if (session.user().equals(revoked.user()) && leave(session, revoked.room())) {
                if (frame == null) {
                    frame = ServerFrames.unsubscribed(revoked.room().name(), ServerFrames.MEMBERSHIP_REVOKED);
                }
                session.send(frame);
            }
        }
    }
}
