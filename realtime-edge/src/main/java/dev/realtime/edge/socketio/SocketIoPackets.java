package dev.realtime.edge.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.protocol.ClientFrame;
import dev.realtime.edge.protocol.OutboundFrame;
import dev.realtime.edge.protocol.ServerFrames;

/**
 * Socket.IO v5 packets (the payload of Engine.IO {@code 4} message packets), and the translation between them and the
 * native protocol's frames: a Socket.IO client is a native session whose frames are written in another format.
 * Event names and payloads are specified in docs/socketio.md.
 */
final class SocketIoPackets {
    static final int CONNECT = 0;
    static final int DISCONNECT = 1;
    static final int EVENT = 2;
    static final int ACK = 3;
    static final int CONNECT_ERROR = 4;
    static final int BINARY_EVENT = 5;
    static final int BINARY_ACK = 6;

    static final String DEFAULT_NAMESPACE = "/";
    /** The native type of the marker a session queues for its CONNECT answer when that waits for a recovery. */
    private static final String CONNECT_MARKER = "socketio.connect";
    /** A position marker's seq for a room the session left. */
    static final long REMOVED = -2;
    /** Ack ids are JavaScript counters; more digits than a safe integer has is not a Socket.IO client. */
    private static final int MAX_ACK_DIGITS = 15;
    private static final int MAX_ECHOED_NAME = 64;

    private SocketIoPackets() {
    }

    /** A parsed packet; {@code ackId} null when none was asked, {@code data} null when the packet had none. */
    record Packet(int type, String namespace, Long ackId, JsonNode data) {
    }

    /** Thrown for a packet that is not Socket.IO v5; the receiver closes the connection (the specification's rule). */
    static final class MalformedPacketException extends Exception {
        MalformedPacketException(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses {@code <type>[<attachments>-][<namespace>,][<ack id>][<JSON>]}. */
    static Packet parse(String text) throws MalformedPacketException {
        if (text.isEmpty() || text.charAt(0) < '0' || text.charAt(0) > '6') {
            throw new MalformedPacketException("unknown packet type");
        }
        int type = text.charAt(0) - '0';
        int at = 1;
        if (type == BINARY_EVENT || type == BINARY_ACK) {
            throw new MalformedPacketException("binary attachments are not supported");
        }
        String namespace = DEFAULT_NAMESPACE;
        if (at < text.length() && text.charAt(at) == '/') {
            int comma = text.indexOf(',', at);
            int end = comma < 0 ? text.length() : comma;
            namespace = text.substring(at, end);
            at = comma < 0 ? end : comma + 1;
        }
        int digits = at;
        while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
            digits++;
        }
        Long ackId = null;
        if (digits > at) {
            if (digits - at > MAX_ACK_DIGITS) {
                throw new MalformedPacketException("ack id too long");
            }
            ackId = Long.parseLong(text, at, digits, 10);
        }
        JsonNode data = null;
        if (digits < text.length()) {
            try {
                data = Json.mapper().readTree(text.substring(digits));
            } catch (JsonProcessingException e) {
                throw new MalformedPacketException("payload is not JSON");
            }
        }
        switch (type) {
            case CONNECT -> {
                if (data != null && !data.isObject()) {
                    throw new MalformedPacketException("CONNECT payload must be an object");
                }
            }
            case EVENT -> {
                if (data == null || !data.isArray() || data.isEmpty() || !data.get(0).isTextual()) {
                    throw new MalformedPacketException("EVENT payload must be an array starting with the event name");
                }
            }
            case ACK -> {
                if (ackId == null || data == null || !data.isArray()) {
                    throw new MalformedPacketException("ACK needs an id and an array");
                }
            }
            case DISCONNECT -> {
                // No payload.
            }
            default -> throw new MalformedPacketException("a client does not send packet type " + type);
        }
        return new Packet(type, namespace, ackId, data);
    }

    /**
     * The native frame a client event stands for: {@code room:join} → subscribe, {@code room:leave} → unsubscribe,
     * {@code typing}, {@code token:refresh} → refresh; the ack id becomes the frame's id, so the answer goes back as
     * the event's ack. Anything else is {@link ClientFrame.Invalid}, answered like a native invalid frame.
     */
    static ClientFrame clientFrame(Packet event) {
        String id = event.ackId() == null ? null : event.ackId().toString();
        String name = event.data().get(0).asText();
        String type = switch (name) {
            case "room:join" -> "subscribe";
            case "room:leave" -> "unsubscribe";
            case "typing" -> "typing";
            case "token:refresh" -> "refresh";
            default -> null;
        };
        if (type == null) {
            String shown = name.length() > MAX_ECHOED_NAME ? name.substring(0, MAX_ECHOED_NAME) + "…" : name;
            return new ClientFrame.Invalid(id, "unknown event '" + shown + "'");
        }
        JsonNode payload = event.data().size() > 1 ? event.data().get(1) : null;
        if (payload == null || !payload.isObject()) {
            return new ClientFrame.Invalid(id, "the event's payload must be an object");
        }
        ObjectNode frame = ((ObjectNode) payload).deepCopy();
        frame.put("type", type);
        frame.remove("id");
        if (id != null) {
            frame.put("id", id);
        }
        if (!frame.has("room") && frame.has("roomId")) {
            frame.set("room", frame.get("roomId"));
        }
        return ClientFrame.of(frame);
    }

    /** What a native frame is to a Socket.IO session's wire ({@link SocketIoWire}). */
    enum Kind {
        /** Nothing goes out (an answer nobody asked for: an ack without id). */
        NONE,
        /** The packet as it is. */
        PLAIN,
        /** The welcome: the CONNECT answer goes out first, unless it waits for a recovery. */
        WELCOME,
        /** An event with its room's seq: the session's offset is appended as its last argument. */
        SEQUENCED,
        /** The session left the room ({@code unsubscribed}): its position goes. */
        LEFT,
        /** A position marker: the room's position changes without an event (a join, a leave). */
        POSITION,
        /** The marker that sends the CONNECT answer after a recovery, with {@code pid}. */
        CONNECT
    }

    /** A native frame translated: {@code room} and {@code seq} for SEQUENCED, LEFT and POSITION, {@code pid} for CONNECT. */
    record Translated(Kind kind, OutboundFrame packet, Room room, long seq, String pid) {
        static final Translated NOTHING = new Translated(Kind.NONE, null, null, 0, null);

        static Translated plain(OutboundFrame packet) {
            return new Translated(Kind.PLAIN, packet, null, 0, null);
        }
    }

    /**
     * A native frame as a Socket.IO packet: a live event {@code 42["<event>",{…}]} (the frame without its type), an
     * answer to an event with an ack id {@code 43<id>[{"ok":…}]}, anything else {@code 42["<type>",{…}]}; nothing for
     * an answer nobody asked for (an ack without id); the markers of the session's wire.
     */
    static Translated fromNative(OutboundFrame nativeFrame) {
        JsonNode parsed;
        try {
            parsed = Json.mapper().readTree(nativeFrame.text());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the edge rendered a frame that is not JSON", e);
        }
        ObjectNode frame = (ObjectNode) parsed;
        String type = frame.remove("type").asText();
        JsonNode idNode = frame.remove("id");
        String id = idNode == null || idNode.isNull() ? null : idNode.asText();
        switch (type) {
            case "event" -> {
                OutboundFrame packet = event(frame.path("event").asText("event"), frame);
                JsonNode seq = frame.get("seq");
                if (seq != null && seq.canConvertToLong() && frame.path("room").isTextual()) {
                    return new Translated(Kind.SEQUENCED, packet, Room.parse(frame.get("room").asText()),
                            seq.asLong(), null);
                }
                return Translated.plain(packet);
            }
            case "ack" -> {
                if (id == null) {
                    return Translated.NOTHING;
                }
                ObjectNode answer = Json.mapper().createObjectNode().put("ok", true);
                answer.setAll(frame);
                return Translated.plain(ack(id, answer));
            }
            case "error" -> {
                if (id == null) {
                    return Translated.plain(event("error", frame));
                }
                ObjectNode answer = Json.mapper().createObjectNode().put("ok", false);
                answer.set("error", frame);
                return Translated.plain(ack(id, answer));
            }
            case "welcome" -> {
                return new Translated(Kind.WELCOME, event(type, frame), null, 0, null);
            }
            case "unsubscribed" -> {
                return new Translated(Kind.LEFT, event(type, frame), Room.parse(frame.path("room").asText()), 0,
                        null);
            }
            case ServerFrames.POSITION -> {
                long seq = frame.path("removed").asBoolean(false) ? REMOVED
                        : frame.path("seq").canConvertToLong() ? frame.get("seq").asLong() : RecoveryOffset.UNKNOWN;
                return new Translated(Kind.POSITION, null, Room.parse(frame.path("room").asText()), seq, null);
            }
            case CONNECT_MARKER -> {
                return new Translated(Kind.CONNECT, null, null, 0, frame.path("pid").asText());
            }
            default -> {
                return Translated.plain(event(type, frame));
            }
        }
    }

    /** The native-format marker after which a recovering session's wire sends the CONNECT answer, with {@code pid}. */
    static String connectMarker(String pid) {
        return write(Json.mapper().createObjectNode().put("type", CONNECT_MARKER).put("pid", pid));
    }

    /** {@code 42["<name>",<data>,"<offset>"]}: a sequenced event's packet with the session's offset appended. */
    static OutboundFrame withOffset(OutboundFrame packet, String offset) {
        String text = packet.text();
        return OutboundFrame.text(new StringBuilder(text.length() + offset.length() + 3)
                .append(text, 0, text.length() - 1).append(",\"").append(offset).append("\"]").toString());
    }

    /** {@code 42["realtime:position","<offset>"]}: the session's offset changed without an event. */
    static OutboundFrame position(String offset) {
        return OutboundFrame.text("42[\"realtime:position\",\"" + offset + "\"]");
    }

    static OutboundFrame event(String name, JsonNode data) {
        ArrayNode arguments = Json.mapper().createArrayNode().add(name).add(data);
        return OutboundFrame.text("42" + write(arguments));
    }

    /** {@code 40{"sid":…[,"pid":…]}}: the answer to a CONNECT; {@code pid} when the session can be recovered. */
    static OutboundFrame connected(String socketId, String pid) {
        ObjectNode answer = Json.mapper().createObjectNode().put("sid", socketId);
        if (pid != null) {
            answer.put("pid", pid);
        }
        return OutboundFrame.text("40" + write(answer));
    }

    /**
     * {@code 44[<namespace>,]{"message":…[,"data":{"code":…[,"closeCode":…]}]}}: a refused CONNECT; {@code closeCode}
     * the native close code when the refusal is one.
     */
    static OutboundFrame connectError(String namespace, String message, String code, Integer closeCode) {
        ObjectNode error = Json.mapper().createObjectNode().put("message", message);
        if (code != null) {
            ObjectNode data = error.putObject("data").put("code", code);
            if (closeCode != null) {
                data.put("closeCode", closeCode);
            }
        }
        String prefix = DEFAULT_NAMESPACE.equals(namespace) ? "44" : "44" + namespace + ",";
        return OutboundFrame.text(prefix + write(error));
    }

    private static OutboundFrame ack(String id, JsonNode answer) {
        return OutboundFrame.text("43" + id + write(Json.mapper().createArrayNode().add(answer)));
    }

    private static String write(JsonNode node) {
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
