package dev.realtime.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.chat.ConversationChanged;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.chat.MessageChanged;
import dev.realtime.contracts.chat.MessageReaction;
import dev.realtime.contracts.chat.MessageRead;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.chat.ParticipantChanged;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.connections.ConnectionEvent;
import dev.realtime.contracts.connections.ConnectionEventTypes;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.notification.NotificationEventTypes;
import dev.realtime.contracts.notification.NotificationNew;
import dev.realtime.contracts.notification.NotificationRead;
import dev.realtime.contracts.records.Target;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The golden files are the published wire format. The writing side must produce exactly them and the
 * reading side must read them back; a change that breaks either is a breaking change of the contract.
 */
class GoldenPayloadTest {

    static final MessageNew MESSAGE = new MessageNew("c-42", "m-7", "alice", "Alice Liddell", "Hello @bob", null,
            List.of("bob"), "client-1", Instant.parse("2026-11-22T10:15:30.123Z"));
    static final ConversationCreated CONVERSATION = new ConversationCreated("c-42", "Release planning", "alice",
            List.of("alice", "bob"), null, false, Instant.parse("2026-11-22T10:00:00Z"));
    static final ParticipantChanged PARTICIPANT = new ParticipantChanged("c-42", "carol", "member");

    /** The edge's connection lifecycle on realtime.connections: one data shape, the fields of each type. */
    @Test
    void connectionLifecycle() throws IOException {
        ConnectionEvent base = ConnectionEvent.of("5f0c2a1e-9b7d-4c55-8f0e-3e1d2c4b5a69", "alice", "a1b2c3d4",
                Instant.parse("2026-12-06T09:00:00.123Z"));
        assertGolden("connection-opened.v1.json", base.opened("https://app.example.test",
                "Mozilla/5.0 (X11; Linux x86_64)", "203.0.113.0/24", 41L), ConnectionEvent.class);
        ConnectionEvent later = ConnectionEvent.of(base.connectionId(), "alice", "a1b2c3d4",
                Instant.parse("2026-12-06T09:30:00.123Z"));
        assertGolden("connection-closed.v1.json", later.closed(base.at(), 4001, "authentication expired",
                ConnectionEventTypes.BY_SERVER), ConnectionEvent.class);
        assertGolden("subscription-refused.v1.json", ConnectionEvent.of(base.connectionId(), "alice", "a1b2c3d4",
                Instant.parse("2026-12-06T09:01:00Z")).subscriptionRefused("conversation:42", "room.not_found"),
                ConnectionEvent.class);
    }

    @Test
    void messageNew() throws IOException {
        assertGolden("message-new.v1.json", MESSAGE, MessageNew.class);
    }

    @Test
    void conversationCreated() throws IOException {
        assertGolden("conversation-created.v1.json", CONVERSATION, ConversationCreated.class);
    }

    @Test
    void participantAdded() throws IOException {
        assertGolden("participant-added.v1.json", PARTICIPANT, ParticipantChanged.class);
    }

    @Test
    void conversationArchived() throws IOException {
        assertGolden("conversation-archived.v1.json", new ConversationChanged("c-42", null, true, "alice",
                Instant.parse("2026-11-22T11:00:00Z")), ConversationChanged.class);
    }

    @Test
    void messageEditedAndDeleted() throws IOException {
        assertGolden("message-edited.v1.json", new MessageChanged("c-42", "m-7", "Hello @bob and @carol",
                List.of("bob", "carol"), "alice", Instant.parse("2026-11-22T10:16:00Z")), MessageChanged.class);
        assertGolden("message-deleted.v1.json", new MessageChanged("c-42", "m-7", null, null, "alice",
                Instant.parse("2026-11-22T10:17:00Z")), MessageChanged.class);
    }

    @Test
    void messageReactionAndRead() throws IOException {
        assertGolden("message-reaction.v1.json", new MessageReaction("c-42", "m-7", "bob", "\uD83D\uDC4D",
                MessageReaction.ADDED, 2), MessageReaction.class);
        assertGolden("message-read.v1.json", new MessageRead("c-42", "bob", "m-7", 7,
                Instant.parse("2026-11-22T10:20:00Z")), MessageRead.class);
    }

    @Test
    void notificationNewAndRead() throws IOException {
        assertGolden("notification-new.v1.json", new NotificationNew("5d1a8c2e-0f4b-4c52-9a7e-0d2c4b9e7f11", "mention",
                "Alice Liddell mentioned you in Release planning", "Hello @bob", new Actor("alice", "Alice Liddell"),
                new Target("message", "m-7", "Release planning", "/conversations/c-42?message=m-7"),
                Instant.parse("2026-11-22T10:15:30.456Z"), false, "0b5d1c8e-1d7c-4a55-9c43-5d0f8b8f2a01", 3L),
                NotificationNew.class);
        assertGolden("notification-read.v1.json", new NotificationRead(List.of("5d1a8c2e-0f4b-4c52-9a7e-0d2c4b9e7f11"),
                false, null, 1, 2, Instant.parse("2026-11-22T10:20:00Z")), NotificationRead.class);
    }

    @Test
    void notificationTypesAreVersionedWithTheirLiveNames() {
        assertEquals("notification:new",
                NotificationEventTypes.byCeType("notification.notification.new.v1").orElseThrow().liveName());
        assertEquals("notification:read",
                NotificationEventTypes.byCeType("notification.notification.read.v1").orElseThrow().liveName());
    }

    @Test
    void readerToleratesUnknownFields() throws IOException {
        byte[] golden = golden("message-new.v1.json");
        com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(golden);
        node.put("addedInAFutureVersion", true);
        assertEquals(MESSAGE, Json.read(Json.mapper().writeValueAsBytes(node), MessageNew.class));
    }

    static <T> void assertGolden(String file, T value, Class<T> type) throws IOException {
        byte[] golden = golden(file);
        JsonNode expected = Json.mapper().readTree(golden);
        JsonNode written = Json.mapper().readTree(Json.write(value));
        assertEquals(expected, written, "writer output differs from golden/" + file);
        assertEquals(value, Json.read(golden, type), "reader does not read golden/" + file);
    }

    static byte[] golden(String file) throws IOException {
        try (InputStream in = GoldenPayloadTest.class.getResourceAsStream("/golden/" + file)) {
            return in.readAllBytes();
        }
    }
}
