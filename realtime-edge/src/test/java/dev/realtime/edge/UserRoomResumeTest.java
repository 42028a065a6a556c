package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.notification.NotificationEventTypes;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The user's own room {@code user:<sub>} is joined on connect, so it is live before any frame of the client could
 * ask for a resume. A reconnecting client names the last seq it saw there in the upgrade ({@code /ws?since=N}); the
 * edge replays what came after before the room goes live, while notifications keep arriving: on the wire every seq
 * once and in order (the fault suite's EDGE_KILL saw them repeated and reordered before).
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class UserRoomResumeTest {
    @TestHTTPResource("/ws")
    URI http;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void aReconnectWithSinceGetsTheMissedNotificationsOnceAndInOrderAheadOfLiveOnes() throws Exception {
        String alice = Edge.unique("alice");
        Room own = Room.user(alice);
        try (WsTestClient first = WsTestClient.connect(ws, Edge.token(alice))) {
            first.awaitType("welcome", WAIT);
            for (long seq = 1; seq <= 3; seq++) {
                Edge.publish(Topics.NOTIFICATION_EVENTS, notification(own, seq));
            }
            first.await(frame -> Edge.eventFor(own).test(frame) && frame.path("seq").asLong() == 3, WAIT);
        }
        // Missed while away; 5 twice, as a relay may publish it.
        IntegrationEvent five = notification(own, 5);
        Edge.publish(Topics.NOTIFICATION_EVENTS, notification(own, 4));
        Edge.publish(Topics.NOTIFICATION_EVENTS, five);
        Edge.publish(Topics.NOTIFICATION_EVENTS, five);
        Edge.publish(Topics.NOTIFICATION_EVENTS, notification(own, 6));
        try (WsTestClient probe = WsTestClient.connect(URI.create(ws + "?since=5"), Edge.token(alice))) {
            probe.await(frame -> Edge.eventFor(own).test(frame) && frame.path("seq").asLong() == 6, WAIT);
        }

        // Notifications keep coming while the client reconnects and its replay is written.
        int last = 150;
        ExecutorService producer = Executors.newSingleThreadExecutor();
        try (WsTestClient again = WsTestClient.connect(URI.create(ws + "?since=3"), Edge.token(alice))) {
            Future<?> publishing = producer.submit(() -> {
                for (long seq = 7; seq <= last; seq++) {
                    Edge.publish(Topics.NOTIFICATION_EVENTS, notification(own, seq));
                }
            });
            again.await(frame -> Edge.eventFor(own).test(frame) && frame.path("seq").asLong() == last, WAIT);
            publishing.get();

            List<JsonNode> frames = again.received();
            assertEquals("welcome", frames.get(0).path("type").asText(), "the welcome comes first");
            List<Long> seqs = new ArrayList<>();
            int resumedAt = -1;
            for (JsonNode frame : frames) {
                if (Edge.eventFor(own).test(frame)) {
                    seqs.add(frame.path("seq").asLong());
                } else if ("resumed".equals(frame.path("type").asText())) {
                    assertEquals(-1, resumedAt, "one resumed frame");
                    resumedAt = seqs.size();
                    assertEquals(own.name(), frame.path("room").asText());
                    assertEquals(3, frame.path("resume").path("since").asLong());
                    assertTrue(frame.path("resume").path("complete").asBoolean(), frame.toString());
                }
            }
            List<Long> expected = new ArrayList<>();
            for (long seq = 4; seq <= last; seq++) {
                expected.add(seq);
            }
            assertEquals(expected, seqs, "every seq after since, once, in order");
            assertTrue(resumedAt >= 3, "the resumed frame follows the replay of 4..6: " + resumedAt);
        } finally {
            producer.shutdownNow();
        }
    }

    @Test
    void aSubscribeWithSinceToTheOwnRoomAfterLiveNotificationsNeverRepeatsAndSaysWhatIsLost() {
        String bob = Edge.unique("bob");
        Room own = Room.user(bob);
        Edge.publish(Topics.NOTIFICATION_EVENTS, notification(own, 1));
        Edge.publish(Topics.NOTIFICATION_EVENTS, notification(own, 2));
        try (WsTestClient probe = WsTestClient.connect(URI.create(ws + "?since=1"), Edge.token(bob))) {
            probe.await(frame -> Edge.eventFor(own).test(frame) && frame.path("seq").asLong() == 2, WAIT);
        }
        try (WsTestClient client = WsTestClient.connect(ws, Edge.token(bob))) {
            client.awaitType("welcome", WAIT);
            Edge.publish(Topics.NOTIFICATION_EVENTS, notification(own, 3));
            client.await(frame -> Edge.eventFor(own).test(frame) && frame.path("seq").asLong() == 3, WAIT);

            // seq 1 and 2 were never sent on this connection, and can no longer come before 3.
            client.send(Map.of("type", "subscribe", "id", "s1", "room", own.name(), "since", 0));
            JsonNode ack = client.await(Edge.answerTo("s1"), WAIT);
            assertFalse(ack.path("resume").path("complete").asBoolean(true), ack.toString());
            assertEquals("live.before.resume", ack.path("resume").path("reason").asText());

            // Resumed from what it saw: nothing is missing, nothing repeated.
            client.send(Map.of("type", "subscribe", "id", "s2", "room", own.name(), "since", 3));
            JsonNode second = client.await(Edge.answerTo("s2"), WAIT);
            assertTrue(second.path("resume").path("complete").asBoolean(), second.toString());
            Edge.publish(Topics.NOTIFICATION_EVENTS, notification(own, 4));
            client.await(frame -> Edge.eventFor(own).test(frame) && frame.path("seq").asLong() == 4, WAIT);
            List<Long> seqs = client.received().stream().filter(Edge.eventFor(own))
                    .map(frame -> frame.path("seq").asLong()).toList();
            assertEquals(List.of(3L, 4L), seqs, "each seq once, in order");
        }
    }

    @Test
    void aMalformedSinceRefusesTheUpgrade() {
        for (String bad : List.of("-1", "abc", "1.5", "99999999999999999999", "1&since=2", "")) {
            assertEquals(400, Edge.handshakeStatus(HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + Edge.token(Edge.unique("carol"))),
                    URI.create(ws + "?since=" + bad)), bad);
        }
    }

    private static IntegrationEvent notification(Room own, long seq) {
        return Edge.event(own, NotificationEventTypes.NOTIFICATION_NEW.ceType(), seq,
                Map.of("title", "notification " + seq));
    }
}
