package dev.realtime.edge;

import static dev.realtime.edge.Edge.QUIET;
import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class DeliveryTest {
    @TestHTTPResource("/ws")
    URI http;
    @Inject
    MembershipIndex index;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void memberReceivesChatEventOfSubscribedConversation() {
        Room conversation = Room.conversation(Edge.unique("c"));
        String alice = Edge.unique("alice");
        Edge.grant(conversation, alice);
        await().atMost(WAIT).until(() -> index.isMember(conversation, alice));

        try (WsTestClient client = WsTestClient.connect(ws, Edge.token(alice))) {
            JsonNode welcome = client.awaitType("welcome", WAIT);
            assertEquals(alice, welcome.path("user").asText());
            assertEquals(List.of("user:" + alice, "all"),
                    List.of(welcome.path("rooms").path(0).asText(), welcome.path("rooms").path(1).asText()));
            assertEquals(2, welcome.path("rooms").size());

            JsonNode ack = Edge.subscribeAndAwait(client, "c1", conversation.name());
            assertEquals("ack", ack.path("type").asText());
            assertEquals(conversation.name(), ack.path("room").asText());

            IntegrationEvent message = Edge.message(conversation, 7, alice, "hello");
            Edge.publish(Topics.CHAT_EVENTS, message);

            JsonNode frame = client.await(Edge.eventFor(conversation), WAIT);
            assertEquals(conversation.name(), frame.path("room").asText());
            assertEquals("message:new", frame.path("event").asText());
            assertEquals(message.id(), frame.path("eventId").asText());
            assertEquals(7, frame.path("seq").asLong());
            assertEquals(alice, frame.path("actor").asText());
            assertEquals("hello", frame.path("data").path("text").asText());
            assertEquals(conversation.id(), frame.path("data").path("conversationId").asText());
            assertNotNull(OffsetDateTime.parse(frame.path("time").asText()));
        }
    }

    @Test
    void eachFrameNamesTheTraceOfTheRequestThatCausedItsEvent() {
        Room conversation = Room.conversation(Edge.unique("c"));
        String alice = Edge.unique("alice");
        Edge.grant(conversation, alice);
        await().atMost(WAIT).until(() -> index.isMember(conversation, alice));
        TraceParent started = TraceParent.random();
        TraceParent outsideProducers = TraceParent.random();

        try (WsTestClient client = Edge.connect(ws, alice)) {
            Edge.subscribeAndAwait(client, "c1", conversation.name());
            IntegrationEvent traced = Edge.message(conversation, 1, alice, "traced").withTrace(started);
            Edge.publish(Topics.CHAT_EVENTS, traced);
            // A producer that sends only the W3C header, and one whose trace context is garbage: both delivered.
            IntegrationEvent headerOnly = Edge.message(conversation, 2, alice, "header only");
            ProducerRecord<String, byte[]> headerOnlyRecord = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, headerOnly);
            headerOnlyRecord.headers().add("traceparent", outsideProducers.format().getBytes(StandardCharsets.US_ASCII));
            Edge.send(headerOnlyRecord);
            IntegrationEvent garbage = Edge.message(conversation, 3, alice, "garbage");
            ProducerRecord<String, byte[]> garbageRecord = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, garbage);
            garbageRecord.headers().add("ce_traceparent", "00-zz-yy-01".getBytes(StandardCharsets.US_ASCII));
            Edge.send(garbageRecord);

            assertEquals(started.traceId(), client.await(Edge.eventWithId(traced.id()), WAIT).path("traceId").asText());
            assertEquals(outsideProducers.traceId(),
                    client.await(Edge.eventWithId(headerOnly.id()), WAIT).path("traceId").asText());
            JsonNode untraced = client.await(Edge.eventWithId(garbage.id()), WAIT);
            assertEquals("garbage", untraced.path("data").path("text").asText());
            assertFalse(untraced.has("traceId"));
        }
    }

    @Test
    void nonMemberIsRefusedExactlyLikeAnUnknownOrMalformedRoomAndReceivesNothing() {
        Room conversation = Room.conversation(Edge.unique("c"));
        String alice = Edge.unique("alice");
        String mallory = Edge.unique("mallory");
        Edge.grant(conversation, alice);
        await().atMost(WAIT).until(() -> index.isMember(conversation, alice));

        try (WsTestClient member = Edge.connect(ws, alice);
                WsTestClient outsider = Edge.connect(ws, mallory)) {
            assertEquals("ack", Edge.subscribeAndAwait(member, "m1", conversation.name()).path("type").asText());

            JsonNode notMember = Edge.subscribeAndAwait(outsider, "x", conversation.name());
            JsonNode unknown = Edge.subscribeAndAwait(outsider, "x", "conversation:" + Edge.unique("nobody-made-this"));
            JsonNode malformed = Edge.subscribeAndAwait(outsider, "x", "conversation:not a valid id!");
            JsonNode noKind = Edge.subscribeAndAwait(outsider, "x", "lobby");
            JsonNode otherUsersRoom = Edge.subscribeAndAwait(outsider, "x", "user:" + alice);

            assertEquals("error", notMember.path("type").asText());
            assertEquals("room.not_found", notMember.path("code").asText());
            // Byte for byte the same frame: nothing tells an outsider which conversations exist.
            for (JsonNode other : List.of(unknown, malformed, noKind, otherUsersRoom)) {
                assertEquals(notMember, other);
            }

            IntegrationEvent message = Edge.message(conversation, 1, alice, "members only");
            Edge.publish(Topics.CHAT_EVENTS, message);
            member.await(Edge.eventWithId(message.id()), WAIT);
            outsider.assertNone(frame -> "event".equals(frame.path("type").asText()), QUIET);
        }
    }

    @Test
    void unknownEventTypesPassThroughUnderTheirCloudEventsTypeAndUnsequencedRoomsHaveNoSeq() {
        try (WsTestClient client = Edge.connect(ws, Edge.unique("reader"))) {
            assertEquals("ack", Edge.subscribeAndAwait(client, "a", "all").path("type").asText());
            IntegrationEvent change = Edge.event(Room.ALL, "com.example.crm.record.changed.v1", null,
                    Map.of("recordId", "r-1", "field", "status"));
            Edge.publish(Topics.RECORDS_EVENTS, change);

            JsonNode frame = client.await(Edge.eventWithId(change.id()), WAIT);
            assertEquals("all", frame.path("room").asText());
            assertEquals("com.example.crm.record.changed.v1", frame.path("event").asText());
            assertFalse(frame.has("seq"));
            assertEquals("r-1", frame.path("data").path("recordId").asText());
        }
    }

    @Test
    void invalidRecordsAreSkippedAndCountedAndDeliveryGoesOn() {
        Room room = Room.user(Edge.unique("bob"));
        String invalid = "realtime_edge_events_invalid_total{topic=\"notification.events\"}";
        double invalidBefore = Edge.counter(invalid);
        try (WsTestClient client = Edge.connect(ws, room.id())) {
            // No CloudEvents headers at all, then a CloudEvent whose room is malformed.
            Edge.send(new ProducerRecord<>(Topics.NOTIFICATION_EVENTS, room.name(),
                    "{\"text\":\"not a cloud event\"}".getBytes(StandardCharsets.UTF_8)));
            ProducerRecord<String, byte[]> badRoom = new ProducerRecord<>(Topics.NOTIFICATION_EVENTS, room.name(),
                    "{}".getBytes(StandardCharsets.UTF_8));
            badRoom.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8))
                    .add("ce_id", "bad-1".getBytes(StandardCharsets.UTF_8))
                    .add("ce_source", "/tests".getBytes(StandardCharsets.UTF_8))
                    .add("ce_type", "notification.new.v1".getBytes(StandardCharsets.UTF_8))
                    .add("ce_room", "user:".getBytes(StandardCharsets.UTF_8));
            Edge.send(badRoom);
            IntegrationEvent valid = Edge.event(room, "notification.new.v1", 1L, Map.of("title", "after the bad ones"));
            Edge.publish(Topics.NOTIFICATION_EVENTS, valid);

            JsonNode frame = client.await(Edge.eventFor(room), WAIT);
            assertEquals(valid.id(), frame.path("eventId").asText(), "the invalid records are never delivered");
            assertEquals("after the bad ones", frame.path("data").path("title").asText());
        }
        assertEquals(invalidBefore + 2, Edge.counter(invalid), "both invalid records are counted");
    }

    @Test
    void rolesAndTheOwnUserRoomFollowTheToken() {
        String carol = Edge.unique("carol");
        try (WsTestClient client = Edge.connect(ws, carol, "ops")) {
            assertEquals("ack", Edge.subscribeAndAwait(client, "r1", "role:ops").path("type").asText());
            assertEquals("room.not_found", Edge.subscribeAndAwait(client, "r2", "role:admin").path("code").asText());
            assertEquals("ack", Edge.subscribeAndAwait(client, "r3", "user:" + carol).path("type").asText());

            IntegrationEvent forOps = Edge.event(Room.role("ops"), "records.incident.opened.v1", null, Map.of("n", 1));
            IntegrationEvent forAdmins = Edge.event(Room.role("admin"), "records.incident.opened.v1", null, Map.of("n", 2));
            Edge.publish(Topics.RECORDS_EVENTS, forAdmins);
            Edge.publish(Topics.RECORDS_EVENTS, forOps);
            // Different keys may land on different partitions: wait for ours, then give the other time to show up.
            client.await(Edge.eventWithId(forOps.id()), WAIT);
            client.assertNone(Edge.eventWithId(forAdmins.id()), QUIET);

            // The automatically joined user room delivers too.
            IntegrationEvent notice = Edge.event(Room.user(carol), "notification.new.v1", 3L, Map.of("title", "hi"));
            Edge.publish(Topics.NOTIFICATION_EVENTS, notice);
            JsonNode frame = client.await(Edge.eventWithId(notice.id()), WAIT);
            assertEquals(3, frame.path("seq").asLong());
            assertEquals("hi", frame.path("data").path("title").asText());
        }
    }
}
