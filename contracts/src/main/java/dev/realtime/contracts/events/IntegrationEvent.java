package dev.realtime.contracts.events;

import dev.realtime.contracts.rooms.Room;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * One integration event as it travels on Kafka: a CloudEvent 1.0 with the extension attributes
 * {@code room}, {@code seq} (stream version of the room, when the room has an owning stream) and
 * {@code actor} (user id), and JSON data.
 */
public record IntegrationEvent(
        String id,
        URI source,
        String type,
        OffsetDateTime time,
        Room room,
        Long seq,
        String actor,
        byte[] data) {

    public IntegrationEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(room, "room");
        if (seq != null && !room.hasOwningStream()) {
            throw new InvalidEventException("room " + room + " has no owning stream and takes no seq");
        }
        if (seq != null && seq < 1) {
            throw new InvalidEventException("seq must be positive");
        }
    }

    public <T> T dataAs(Class<T> type) {
        if (data == null) {
            throw new InvalidEventException("event " + id + " has no data");
        }
        return Json.read(data, type);
    }
}
