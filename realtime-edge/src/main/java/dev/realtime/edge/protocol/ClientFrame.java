package dev.realtime.edge.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.Json;

/**
 * A frame a client sent, already checked for shape. Anything the gateway cannot act on becomes {@link Invalid},
 * which the caller answers with {@code frame.invalid} and keeps the connection open: one bad frame from a buggy
 * client should not cost it its subscriptions.
 */
public sealed interface ClientFrame
        permits ClientFrame.Subscribe, ClientFrame.Unsubscribe, ClientFrame.Refresh, ClientFrame.Typing,
        ClientFrame.Invalid {

    /** Long enough for UUIDs and counters, short enough that echoing it back is never an amplification vector. */
    int MAX_ID_LENGTH = 128;

    /** The correlation id the client chose, echoed in the answer; may be null. */
    String id();

    /** {@code since}: the last seq the client saw in the room, to resume after it; null for a fresh subscribe. */
    record Subscribe(String id, String room, Long since) implements ClientFrame {
    }

    record Unsubscribe(String id, String room) implements ClientFrame {
    }

    /** A fresh access token for the same user, sent before the current one expires. */
    record Refresh(String id, String token) implements ClientFrame {
        @Override
        public String toString() {
            // Records print every component; this one must never reach a log.
            return "Refresh[id=" + id + "]";
        }
    }

    record Typing(String id, String room, boolean typing) implements ClientFrame {
    }

    record Invalid(String id, String reason) implements ClientFrame {
    }

    public static ClientFrame parse(String text) {
        JsonNode frame;
        try {
            frame = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            return new Invalid(null, "frame is not valid JSON");
        }
        return of(frame);
    }

    /** A frame already parsed as JSON (another wire format's payload put into this shape). */
    public static ClientFrame of(JsonNode frame) {
        if (frame == null || !frame.isObject()) {
            return new Invalid(null, "frame must be a JSON object");
        }
        JsonNode idNode = frame.get("id");
        String id = null;
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() || idNode.asText().length() > MAX_ID_LENGTH) {
                return new Invalid(null, "field 'id' must be a string of at most " + MAX_ID_LENGTH + " characters");
            }
            id = idNode.asText();
        }
        JsonNode typeNode = frame.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return new Invalid(id, "field 'type' must be a string");
        }
        String type = typeNode.asText();
        switch (type) {
            case "subscribe", "unsubscribe", "typing" -> {
                JsonNode roomNode = frame.get("room");
                if (roomNode == null || !roomNode.isTextual()) {
                    return new Invalid(id, "field 'room' must be a string");
                }
                String room = roomNode.asText();
                if (type.equals("subscribe")) {
                    JsonNode sinceNode = frame.get("since");
                    if (sinceNode == null || sinceNode.isNull()) {
                        return new Subscribe(id, room, null);
                    }
                    if (!sinceNode.canConvertToExactIntegral() || !sinceNode.canConvertToLong() || sinceNode.asLong() < 0) {
                        return new Invalid(id, "field 'since' must be a non-negative integer");
                    }
                    return new Subscribe(id, room, sinceNode.asLong());
                }
                if (type.equals("unsubscribe")) {
                    return new Unsubscribe(id, room);
                }
                JsonNode typingNode = frame.get("typing");
                if (typingNode != null && !typingNode.isBoolean()) {
                    return new Invalid(id, "field 'typing' must be true or false");
                }
                return new Typing(id, room, typingNode == null || typingNode.booleanValue());
            }
            case "refresh" -> {
                JsonNode tokenNode = frame.get("token");
                if (tokenNode == null || !tokenNode.isTextual() || tokenNode.asText().isBlank()) {
                    return new Invalid(id, "field 'token' must be a non-empty string");
                }
                return new Refresh(id, tokenNode.asText());
            }
            default -> {
                return new Invalid(id, "unknown frame type");
            }
        }
    }
}
