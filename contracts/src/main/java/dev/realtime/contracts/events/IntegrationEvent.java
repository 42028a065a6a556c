package dev.realtime.contracts.events;

import dev.realtime.contracts.rooms.Room;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * One integration event as it travels on Kafka: a CloudEvent 1.0 with the extension attributes
 * {@code room}, {@code seq} (stream version of the room, when the room has an owning stream) and
 * {@code actor} (user id), and JSON data. {@code trace} is the W3C trace context of the request that caused the event
 * (the CloudEvents distributed-tracing extension), or null when the producer named none.
 */
public record IntegrationEvent(
        String id,
        URI source,
        String type,
        OffsetDateTime time,
        Room room,
        Long seq,
        String actor,
        byte[] data,
        TraceParent trace) {

    public IntegrationEvent(String id, URI source, String type, OffsetDateTime time, Room room, Long seq, String actor,
            byte[] data) {
        this(id, source, type, time, room, seq, actor, data, null);
    }

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

    public IntegrationEvent withTrace(TraceParent trace) {
        return new IntegrationEvent(id, source, type, time, room, seq, actor, data, trace);
    }

    public <T> T dataAs(Class<T> type) {
        if (data == null) {
            throw new InvalidEventException("event " + id + " has no data");
        }
        return Json.read(data, type);
    }
}
