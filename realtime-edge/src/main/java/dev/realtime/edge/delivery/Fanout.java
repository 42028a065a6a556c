package dev.realtime.edge.delivery;

import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.edge.protocol.ServerFrames;
import dev.realtime.edge.rooms.RoomAccess;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;

/** Hands one event to the local sessions of its room. */
@ApplicationScoped
public class Fanout {
    @Inject
    RoomRegistry rooms;
    @Inject
    RoomAccess access;

    /**
     * @return the number of sessions the frame was queued to
     * @throws dev.realtime.contracts.events.InvalidEventException when the event's data is not JSON
     */
    public int deliver(IntegrationEvent event) {
        Set<Session> subscribers = rooms.subscribersOf(event.room());
        if (subscribers.isEmpty()) {
            // Every instance reads every event; most rooms have nobody here, so don't even render.
            return 0;
        }
        String frame = ServerFrames.event(event);
        int sent = 0;
        for (Session session : subscribers) {
            // Re-checked per event: a revocation may still be on its way to this session's unsubscribe, and
            // nothing of the room may reach a user who is no longer in it.
            if (access.stillMayReceive(session, event.room())) {
                session.send(frame);
                sent++;
            }
        }
        return sent;
    }
}
