package dev.realtime.edge;

import static dev.realtime.edge.Edge.QUIET;
import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Subscribes with {@code since} served from the edge's in-memory window, and the honest "incomplete" answer when
 * the window does not reach back and the room's owner cannot be asked (no chat-service runs in these tests; the
 * resume across a gap of 10,000 events through chat-service is in e2e-tests).
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class ResumeTest {
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
    void aResumeWithinTheWindowReplaysTheMissedEventsOnceInOrderThenGoesLive() {
        Room room = Room.conversation(Edge.unique("c"));
        String alice = Edge.unique("alice");
        member(room, alice);
        long seen;
        try (WsTestClient first = WsTestClient.connect(ws, Edge.token(alice))) {
            first.awaitType("welcome", WAIT);
            Edge.subscribeAndAwait(first, "s1", room.name());
            for (long seq = 1; seq <= 3; seq++) {
                Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, seq, "bob", "before " + seq));
            }
            seen = first.await(frame -> Edge.eventFor(room).test(frame) && frame.path("seq").asLong() == 3, WAIT)
                    .path("seq").asLong();
        }
        // Missed while disconnected; seq 5 is published twice, as the relay may do.
        IntegrationEvent five = Edge.message(room, 5, "bob", "missed 5");
        Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 4, "bob", "missed 4"));
        Edge.publish(Topics.CHAT_EVENTS, five);
        Edge.publish(Topics.CHAT_EVENTS, five);
        Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 6, "bob", "missed 6"));
        awaitWindowHas(room, alice, 6);

        try (WsTestClient again = WsTestClient.connect(ws, Edge.token(alice))) {
            again.awaitType("welcome", WAIT);
            again.send(Map.of("type", "subscribe", "id", "s2", "room", room.name(), "since", seen));
            List<JsonNode> beforeAck = framesUntil(again, "s2");
            JsonNode ack = beforeAck.remove(beforeAck.size() - 1);
            assertEquals("ack", ack.path("type").asText());
            assertTrue(ack.path("resume").path("complete").asBoolean(), ack.toString());
            assertEquals(3, ack.path("resume").path("since").asLong());
            assertEquals(List.of(4L, 5L, 6L), seqs(beforeAck, room));
            assertEquals("missed 4", beforeAck.get(0).path("data").path("text").asText());

            Edge.publish(Topics.CHAT_EVENTS, five);
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 7, "bob", "live 7"));
            JsonNode live = again.await(Edge.eventFor(room), WAIT);
            assertEquals(7, live.path("seq").asLong(), "the redelivered seq 5 is not sent again");
        }
    }

    @Test
    void aResumeFromAPositionThisInstanceHasNotReadYetDoesNotSendThoseSeqsWhenTheyArrive() {
        Room room = Room.conversation(Edge.unique("c"));
        String alice = Edge.unique("alice");
        member(room, alice);
        for (long seq = 1; seq <= 3; seq++) {
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, seq, "bob", "m" + seq));
        }
        awaitWindowHas(room, alice, 3);
        // The client got 4 and 5 from another instance, which reads the topic ahead of this one.
        try (WsTestClient client = WsTestClient.connect(ws, Edge.token(alice))) {
            client.awaitType("welcome", WAIT);
            client.send(Map.of("type", "subscribe", "id", "s1", "room", room.name(), "since", 5));
            JsonNode ack = client.await(Edge.answerTo("s1"), WAIT);
            assertTrue(ack.path("resume").path("complete").asBoolean(), ack.toString());
            for (long seq = 4; seq <= 6; seq++) {
                Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, seq, "bob", "m" + seq));
            }
            assertEquals(6, client.await(Edge.eventFor(room), WAIT).path("seq").asLong(),
                    "4 and 5, which the client has, are not sent again when this instance reads them");
        }
    }

    @Test
    void aGapOlderThanTheWindowWhoseOwnerCannotBeReachedIsAcknowledgedAsIncomplete() {
        Room room = Room.conversation(Edge.unique("c"));
        String alice = Edge.unique("alice");
        member(room, alice);
        // This edge never saw seq 1..9 of the room: only its owner could replay them, and it is not reachable here.
        Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 10, "bob", "ten"));
        awaitWindowHas(room, alice, 10);
        try (WsTestClient client = WsTestClient.connect(ws, Edge.token(alice))) {
            client.awaitType("welcome", WAIT);
            client.send(Map.of("type", "subscribe", "id", "s1", "room", room.name(), "since", 2));
            JsonNode ack = client.await(Edge.answerTo("s1"), WAIT);
            assertEquals("ack", ack.path("type").asText());
            assertFalse(ack.path("resume").path("complete").asBoolean(true), ack.toString());
            assertEquals("history.unavailable", ack.path("resume").path("reason").asText());

            Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 11, "bob", "eleven"));
            assertEquals(11, client.await(Edge.eventFor(room), WAIT).path("seq").asLong(), "live goes on after it");
        }
    }

    @Test
    void sinceOnARoomWithoutSeqIsAcknowledgedAsUnsequencedAndABadSinceIsRefused() {
        String alice = Edge.unique("alice");
        try (WsTestClient client = WsTestClient.connect(ws, Edge.token(alice))) {
            client.awaitType("welcome", WAIT);
            client.send(Map.of("type", "subscribe", "id", "s1", "room", "all", "since", 4));
            JsonNode ack = client.await(Edge.answerTo("s1"), WAIT);
            assertEquals("ack", ack.path("type").asText());
            assertEquals("room.unsequenced", ack.path("resume").path("reason").asText());

            client.send(Map.of("type", "subscribe", "id", "s2", "room", "all", "since", -1));
            JsonNode refused = client.await(Edge.answerTo("s2"), WAIT);
            assertEquals("frame.invalid", refused.path("code").asText());
            client.send("{\"type\":\"subscribe\",\"id\":\"s3\",\"room\":\"all\",\"since\":\"7\"}");
            assertEquals("frame.invalid", client.await(Edge.answerTo("s3"), WAIT).path("code").asText());
        }
    }

    @Test
    void aResumeOfARoomTheUserMayNotEnterLooksLikeAnyUnknownRoom() {
        Room room = Room.conversation(Edge.unique("c"));
        Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 1, "bob", "secret"));
        try (WsTestClient mallory = WsTestClient.connect(ws, Edge.token(Edge.unique("mallory")))) {
            mallory.awaitType("welcome", WAIT);
            mallory.send(Map.of("type", "subscribe", "id", "s1", "room", room.name(), "since", 0));
            JsonNode refused = mallory.await(Edge.answerTo("s1"), WAIT);
            assertEquals("room.not_found", refused.path("code").asText());
            mallory.assertNone(Edge.eventFor(room), QUIET);
        }
    }

    private void member(Room room, String user) {
        Edge.grant(room, user);
        await().atMost(WAIT).until(() -> index.isMember(room, user));
    }

    /** Waits until this edge has read the room up to {@code seq}: a live subscriber sees it. */
    private void awaitWindowHas(Room room, String user, long seq) {
        try (WsTestClient probe = WsTestClient.connect(ws, Edge.token(user))) {
            probe.awaitType("welcome", WAIT);
            probe.send(Map.of("type", "subscribe", "id", "p", "room", room.name(), "since", seq - 1));
            probe.await(frame -> Edge.eventFor(room).test(frame) && frame.path("seq").asLong() == seq, WAIT);
        }
    }

    /** Every frame up to and including the answer to {@code id}. */
    private static List<JsonNode> framesUntil(WsTestClient client, String id) {
        List<JsonNode> frames = new ArrayList<>();
        client.await(frame -> {
            frames.add(frame);
            return id.equals(frame.path("id").asText(null));
        }, WAIT);
        return frames;
    }

    private static List<Long> seqs(List<JsonNode> frames, Room room) {
        return frames.stream().filter(Edge.eventFor(room)).map(frame -> frame.path("seq").asLong()).toList();
    }
}
