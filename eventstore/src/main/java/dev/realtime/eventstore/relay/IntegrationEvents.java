package dev.realtime.eventstore.relay;

import dev.realtime.contracts.events.EventType;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.StoredEvent;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Builds the integration event of a stored event: same id, the stream as room, the version as seq. */
public final class IntegrationEvents {
    private IntegrationEvents() {
    }

    /**
     * The stream id is the room name; the event id stays the stored event's id so a consumer recognises a
     * republished duplicate, and the stream version becomes the room's {@code seq}. The stored trace context travels
     * on as the CloudEvents distributed-tracing extension (the start of the event's transmission).
     */
    public static IntegrationEvent of(StoredEvent event, EventType type, Object data, URI source) {
        Room room = Room.parse(event.streamId);
        EventMetadata metadata = event.metadata();
        return new IntegrationEvent(event.eventId.toString(), source, type.ceType(), event.recordedAt, room,
                room.hasOwningStream() ? event.version : null, metadata.actor(), Json.write(data), metadata.trace());
    }

    /**
     * The page of a room's history the edge resumes from ({@code GET <historyPath>?after=&limit=}): {@code events} are
     * the stream's stored events read after {@code after}, {@code head} its version when they were read.
     */
    public static RoomEventPage page(List<StoredEvent> events, long after, long head,
            Function<StoredEvent, Optional<IntegrationEvent>> toIntegrationEvent) {
        long lastRead = events.isEmpty() ? after : events.get(events.size() - 1).version;
        return RoomEventPage.of(events.stream().flatMap(event -> toIntegrationEvent.apply(event).stream()).toList(),
                lastRead, head);
    }
}
