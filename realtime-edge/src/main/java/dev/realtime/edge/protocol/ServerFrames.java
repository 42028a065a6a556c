package dev.realtime.edge.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.history.RoomEvent;
import dev.realtime.contracts.rooms.Room;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;

/**
 * The frames the gateway sends, as JSON text. Built with the tree model rather than bound classes so that the
 * field set is visible in one place (docs/realtime-protocol.md mirrors it) and nothing needs reflection in a
 * native image.
 */
public final class ServerFrames {
    public static final String ROOM_NOT_FOUND = "room.not_found";
    public static final String FRAME_INVALID = "frame.invalid";
    public static final String MEMBERSHIP_REVOKED = "membership.revoked";
    public static final String RATE_LIMITED = "rate.limited";
    public static final String SUBSCRIPTIONS_LIMIT = "subscriptions.limit";
    public static final String TOKEN_INVALID = "token.invalid";
    public static final String TOKEN_SUBJECT_MISMATCH = "token.subject_mismatch";
    /** The codes of the error frames that answer a refused client frame (counted by code). */
    public static final List<String> REFUSAL_CODES = List.of(ROOM_NOT_FOUND, FRAME_INVALID, RATE_LIMITED,
            SUBSCRIPTIONS_LIMIT, TOKEN_INVALID, TOKEN_SUBJECT_MISMATCH);

    /**
     * The only text a refused subscribe ever gets: a room that does not exist, a malformed name and a room the
     * user may not enter must be indistinguishable, or the answer leaks which conversations exist.
     */
    public static final String ROOM_NOT_FOUND_MESSAGE = "room not found";

    private ServerFrames() {
    }

    public static String welcome(String user, List<String> rooms, Instant expiresAt) {
        ObjectNode frame = frame("welcome").put("user", user);
        rooms.forEach(frame.putArray("rooms")::add);
        if (expiresAt != null) {
            frame.put("expiresAt", expiresAt.toString());
        }
        return write(frame);
    }

    public static String ack(String id, String room) {
        ObjectNode frame = frame("ack");
        putIfPresent(frame, "id", id);
        return write(frame.put("room", room));
    }

    /** How a subscribe with {@code since} ended: {@code reason} is set when the replay could not be complete. */
    public record Resume(long since, boolean complete, String reason) {
    }

    /** The ack of a subscribe: {@code online} for rooms with presence, {@code resume} for a subscribe with since. */
    public static String ack(String id, String room, Collection<String> online, Resume resume) {
        ObjectNode frame = frame("ack");
        putIfPresent(frame, "id", id);
        frame.put("room", room);
        if (online != null) {
            online.forEach(frame.putArray("online")::add);
        }
        if (resume != null) {
            putResume(frame, resume);
        }
        return write(frame);
    }

    /** Why a {@code resync} frame was sent: seqs of the room are missing before the next event. */
    public static final String SEQ_GAP = "seq.gap";
    /** Why a {@code resync} frame was sent: frames of a room without seq were dropped while the client fell behind. */
    public static final String SEND_OVERFLOW = "send.overflow";

    /**
     * Events of {@code room} after {@code since} may be missing on this connection: reload the room's state after
     * {@code since} over REST. Later events keep coming.
     */
    public static String resync(String room, Long since, String reason) {
        ObjectNode frame = frame("resync").put("room", room);
        if (since != null) {
            frame.put("since", since);
        }
        return write(frame.put("reason", reason));
    }

    /** The end of the resume of the user's own room that the upgrade's {@code since} asked for. */
    public static String resumed(String room, Resume resume) {
        ObjectNode frame = frame("resumed").put("room", room);
        putResume(frame, resume);
        return write(frame);
    }

    private static void putResume(ObjectNode frame, Resume resume) {
        ObjectNode node = frame.putObject("resume").put("since", resume.since()).put("complete", resume.complete());
        putIfPresent(node, "reason", resume.reason());
    }

    /** The ack of a token refresh: the connection now lasts until the new token's expiry. */
    public static String refreshed(String id, Instant expiresAt) {
        ObjectNode frame = frame("ack");
        putIfPresent(frame, "id", id);
        if (expiresAt != null) {
            frame.put("expiresAt", expiresAt.toString());
        }
        return write(frame);
    }

    /** The type of a position marker: see {@link #position}. */
    public static final String POSITION = "position";

    /**
     * A marker, never sent to a native client: the session's position in {@code room} is {@code seq} (null: not
     * known) unless it has one already, or (removed) the session left the room. Queued on links that keep positions
     * (Socket.IO's connection state recovery), in order with the frames around it.
     */
    public static String position(String room, Long seq, boolean removed) {
        ObjectNode frame = frame(POSITION).put("room", room);
        if (removed) {
            frame.put("removed", true);
        } else if (seq != null) {
            frame.put("seq", seq);
        }
        return write(frame);
    }

    public static String presence(String room, String user, boolean joined) {
        return write(frame("presence").put("room", room).put("user", user).put("state", joined ? "joined" : "left"));
    }

    public static String typing(String room, String user, String name, boolean typing) {
        ObjectNode frame = frame("typing").put("room", room).put("user", user);
        putIfPresent(frame, "name", name);
        return write(frame.put("typing", typing));
    }

    public static String error(String id, String code, String message) {
        ObjectNode frame = frame("error");
        putIfPresent(frame, "id", id);
        return write(frame.put("code", code).put("message", message));
    }

    public static String roomNotFound(String id) {
        return error(id, ROOM_NOT_FOUND, ROOM_NOT_FOUND_MESSAGE);
    }

    public static String unsubscribed(String room, String reason) {
        return write(frame("unsubscribed").put("room", room).put("reason", reason));
    }

    /**
     * The frame of an event replayed from its room's owner: the contract's {@link RoomEvent} has the fields of a live
     * event frame ({@link #event}), rendered in the same order and form.
     */
    public static String replayedEvent(RoomEvent item) {
        ObjectNode frame = frame("event");
        putIfPresent(frame, "room", item.room());
        putIfPresent(frame, "event", item.event());
        putIfPresent(frame, "eventId", item.eventId());
        if (item.seq() != null) {
            frame.put("seq", item.seq());
        }
        if (item.time() != null) {
            frame.put("time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(item.time()));
        }
        putIfPresent(frame, "actor", item.actor());
        putIfPresent(frame, "traceId", item.traceId());
        if (item.data() != null && !item.data().isNull()) {
            frame.set("data", item.data());
        }
        return write(frame);
    }

    /**
     * The frame of one delivered event. Throws {@link InvalidEventException} when the data is not JSON, so the
     * caller can skip and count the record like any other invalid one.
     */
    public static String event(IntegrationEvent event, Room room, String liveName) {
        ObjectNode frame = frame("event")
                .put("room", room.name())
                .put("event", liveName)
                .put("eventId", event.id());
        // seq numbers the event's own room: it means nothing in an audience room the event was fanned out to.
        if (event.seq() != null && room.equals(event.room())) {
            frame.put("seq", event.seq());
        }
        if (event.time() != null) {
            frame.put("time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(event.time()));
        }
        putIfPresent(frame, "actor", event.actor());
        // The trace of the request that caused the event: what a user quotes in a bug report. Never the tracestate.
        if (event.trace() != null) {
            frame.put("traceId", event.trace().traceId());
        }
        if (event.data() != null) {
            frame.set("data", parseData(event));
        }
        return write(frame);
    }

    private static JsonNode parseData(IntegrationEvent event) {
        try {
            JsonNode data = Json.mapper().readTree(event.data());
            if (data == null || data.isMissingNode()) {
                throw new InvalidEventException("event data is empty");
            }
            return data;
        } catch (IOException e) {
            throw new InvalidEventException("event data is not JSON");
        }
    }

    private static ObjectNode frame(String type) {
        return Json.mapper().createObjectNode().put("type", type);
    }

    private static void putIfPresent(ObjectNode frame, String field, String value) {
        if (value != null) {
            frame.put(field, value);
        }
    }

    private static String write(ObjectNode frame) {
        try {
            return Json.mapper().writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
