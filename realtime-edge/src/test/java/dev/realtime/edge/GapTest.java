package dev.realtime.edge;

import static dev.realtime.edge.Edge.QUIET;
import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Records of a room that arrive with a jump in seq (11 → 24, as a relay that reordered would publish them): the
 * subscribers are told to reload after the last seq before the hole ({@code resync}) ahead of the event after it,
 * the late ones are not delivered out of order, and a resume from before the hole is not answered "complete" from
 * the window, which cannot replay it.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class GapTest {
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
    void aJumpInSeqIsReportedBeforeTheEventAfterItAndNeverSilent() {
        Room room = Room.conversation(Edge.unique("c"));
        String alice = Edge.unique("alice");
        Edge.grant(room, alice);
        await().atMost(WAIT).until(() -> index.isMember(room, alice));
        try (WsTestClient client = Edge.connect(ws, alice)) {
            Edge.subscribeAndAwait(client, "s1", room.name());
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 1, "bob", "one"));
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 2, "bob", "two"));
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 5, "bob", "five"));
            client.await(frame -> Edge.eventFor(room).test(frame) && frame.path("seq").asLong() == 5, WAIT);
            // The missing ones, late: never delivered after 5.
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 3, "bob", "three"));
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 4, "bob", "four"));
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 6, "bob", "six"));
            client.await(frame -> Edge.eventFor(room).test(frame) && frame.path("seq").asLong() == 6, WAIT);

            List<JsonNode> ofRoom = client.received().stream()
                    .filter(frame -> room.name().equals(frame.path("room").asText())
                            && !"ack".equals(frame.path("type").asText()))
                    .toList();
            List<String> seen = ofRoom.stream().map(frame -> "resync".equals(frame.path("type").asText())
                    ? "resync after " + frame.path("since").asLong() + " (" + frame.path("reason").asText() + ")"
                    : "seq " + frame.path("seq").asLong()).toList();
            assertEquals(List.of("seq 1", "seq 2", "resync after 2 (seq.gap)", "seq 5", "seq 6"), seen);
        }

        // A resume from before the hole: the window cannot replay it, and the owner is not reachable in this test.
        try (WsTestClient again = Edge.connect(ws, alice)) {
            again.send(Map.of("type", "subscribe", "id", "r1", "room", room.name(), "since", 2));
            JsonNode ack = again.await(Edge.answerTo("r1"), WAIT);
            assertFalse(ack.path("resume").path("complete").asBoolean(true), ack.toString());
            // From after the hole the window still serves.
            again.send(Map.of("type", "subscribe", "id", "r2", "room", room.name(), "since", 5));
            JsonNode second = again.await(Edge.answerTo("r2"), WAIT);
            assertEquals(true, second.path("resume").path("complete").asBoolean(false), second.toString());
            again.assertNone(frame -> "resync".equals(frame.path("type").asText()), QUIET);
        }
    }
}
