package dev.realtime.eventstore.relay;

import dev.realtime.contracts.events.EventType;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.store.StoredEvent;
import java.net.URI;

/** Builds the integration event of a stored event: same id, the stream as room, the version as seq. */
public final class IntegrationEvents {
    private IntegrationEvents() {
    }

    /**
     * The stream id is the room name; the event id stays the stored event's id so a consumer recognises a
     * republished duplicate, and the stream version becomes the room's {@code seq}.
     */
    public static IntegrationEvent of(StoredEvent event, EventType type, Object data, URI source) {
        Room room = Room.parse(event.streamId);
        return new IntegrationEvent(event.eventId.toString(), source, type.ceType(), event.recordedAt, room,
                room.hasOwningStream() ? event.version : null, event.metadata().actor(), Json.write(data));
    }
}
