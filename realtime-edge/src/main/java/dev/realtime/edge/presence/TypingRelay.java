package dev.realtime.edge.presence;

import dev.realtime.contracts.rooms.Room;
import dev.realtime.contracts.signals.TypingSignal;
import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.protocol.ServerFrames;
import dev.realtime.edge.rooms.RoomAccess;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;

/**
 * Typing indicators: a client's {@code typing} frame becomes a signal on {@code realtime.signals}, and every
 * instance (this one included) relays signals to its local subscribers of the room other than the typist's own
 * sessions. A start lapses after the typing timeout unless refreshed; the instance holding the typist's connection
 * then announces the stop, as it does on disconnect and unsubscribe.
 */
@ApplicationScoped
public class TypingRelay {
    @Inject
    SignalBus bus;
    @Inject
    RoomRegistry rooms;
    @Inject
    RoomAccess access;
    @Inject
    EdgeConfig config;

    public void typing(Session session, Room room, boolean typing) {
        if (!typing) {
            stop(session, room);
            return;
        }
        long now = System.nanoTime();
        long[] previous = session.typing().get(room);
        // Clients repeat "typing" every few keystrokes; pass on a refresh only when the receivers' view of it would
        // lapse soon, so a fast typist does not turn every keystroke into a broadcast.
        if (previous == null || now - previous[1] > config.typingTimeout().toNanos() / 2) {
            session.typing().put(room, new long[] {now, now});
            publish(session, room, true);
        } else {
            session.typing().put(room, new long[] {now, previous[1]});
        }
    }

    public void stop(Session session, Room room) {
        Map<Room, long[]> typing = session.typingIfAny();
        // Map.of() when the session never typed, which refuses even a remove.
        if (!typing.isEmpty() && typing.remove(room) != null) {
            publish(session, room, false);
        }
    }

    public void stopAll(Session session) {
        for (Room room : Map.copyOf(session.typingIfAny()).keySet()) {
            stop(session, room);
        }
    }

    /** Stops the indicators whose last start is older than the typing timeout. */
    public void expire(Session session, long nowNanos) {
        long timeout = config.typingTimeout().toNanos();
        Map<Room, long[]> typing = session.typingIfAny();
        if (typing.isEmpty()) {
            return;
        }
        for (Map.Entry<Room, long[]> entry : Map.copyOf(typing).entrySet()) {
            if (nowNanos - entry.getValue()[0] > timeout && typing.remove(entry.getKey(), entry.getValue())) {
                publish(session, entry.getKey(), false);
            }
        }
    }

    private void publish(Session session, Room room, boolean typing) {
        bus.publishTyping(new TypingSignal(room.name(), session.user(), session.displayName(), typing,
                bus.instanceId(), Instant.now()));
    }

    void relay(TypingSignal signal) {
        Room room = Room.parse(signal.room());
        if (!PresenceService.hasPresence(room) || signal.userId() == null) {
            return;
        }
        String frame = null;
        for (Session session : rooms.subscribersOf(room)) {
            if (!session.user().equals(signal.userId()) && access.stillMayReceive(session, room)) {
                if (frame == null) {
                    frame = ServerFrames.typing(room.name(), signal.userId(), signal.userName(), signal.typing());
                }
                session.send(frame);
            }
        }
    }
}
