package dev.realtime.contracts.memberships;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.EventType;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One user's membership of one room, as kept on the compacted {@code realtime.memberships} topic:
 * key {@code room|user}, value a CloudEvent {@code realtime.membership.granted.v1}; a tombstone (null
 * value) under the same key revokes it. The room's owning service is the only writer of its keys.
 */
public record Membership(Room room, String userId, String role) {
    public static final EventType GRANTED = new EventType("realtime.membership.granted.v1", "membership:granted");
    private static final char SEPARATOR = '|';

    public Membership {
        if (userId == null || userId.isEmpty()) {
            throw new IllegalArgumentException("userId is required");
        }
        Room.user(userId); // the user id must be a valid subject
    }

    public String key() {
        return key(room, userId);
    }

    public static String key(Room room, String userId) {
        return room.name() + SEPARATOR + userId;
    }

    /** Room and user of a membership key; the room name never contains '|', the user id may not. */
    public static Membership fromKey(String key, String role) {
        int separator = key == null ? -1 : key.indexOf(SEPARATOR);
        if (separator < 0) {
            throw new InvalidEventException("membership key must be 'room|user'");
        }
        try {
            return new Membership(Room.parse(key.substring(0, separator)), key.substring(separator + 1), role);
        } catch (InvalidRoomException e) {
            throw new InvalidEventException("invalid membership key: " + e.getMessage());
        }
    }

    public IntegrationEvent toEvent(URI source, String actor) {
        return new IntegrationEvent(UUID.randomUUID().toString(), source, GRANTED.ceType(), OffsetDateTime.now(),
                room, null, actor, Json.write(new Value(room.name(), userId, role)));
    }

    public ProducerRecord<String, byte[]> grantRecord(URI source, String actor) {
        return CloudEventCodec.toRecord(Topics.MEMBERSHIPS, key(), toEvent(source, actor));
    }

    public ProducerRecord<String, byte[]> revokeRecord() {
        return new ProducerRecord<>(Topics.MEMBERSHIPS, key(), null);
    }

    /** The JSON data of a grant. */
    public record Value(String room, String user, String role) {
    }
}
