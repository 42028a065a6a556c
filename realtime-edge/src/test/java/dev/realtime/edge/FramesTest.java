package dev.realtime.edge;

import static dev.realtime.edge.Edge.QUIET;
import static dev.realtime.edge.Edge.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class FramesTest {
    @TestHTTPResource("/ws")
    URI http;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void badFramesGetFrameInvalidAndTheConnectionStaysUsable() {
        try (WsTestClient client = Edge.connect(ws, Edge.unique("henry"))) {
            client.send("{\"type\":\"subscribe\",\"room\":");
            assertInvalid(client.awaitType("error", WAIT), null);

            client.send("[\"subscribe\",\"all\"]");
            assertInvalid(client.awaitType("error", WAIT), null);

            client.send(Map.of("type", "dance", "id", "d1"));
            assertInvalid(client.await(Edge.answerTo("d1"), WAIT), "d1");

            client.send(Map.of("type", "subscribe", "id", "n1", "room", 42));
            assertInvalid(client.await(Edge.answerTo("n1"), WAIT), "n1");

            client.send(Map.of("type", "subscribe", "id", 7, "room", "all"));
            assertInvalid(client.awaitType("error", WAIT), null);

            client.send(Map.of("id", "t1", "room", "all"));
            assertInvalid(client.await(Edge.answerTo("t1"), WAIT), "t1");

            assertTrue(client.isOpen());
            JsonNode ack = Edge.subscribeAndAwait(client, "ok", "all");
            assertEquals("ack", ack.path("type").asText());
            assertEquals("all", ack.path("room").asText());
        }
    }

    @Test
    void subscribeWithoutIdIsAnsweredWithoutIdAndUnsubscribeStopsDelivery() {
        try (WsTestClient client = Edge.connect(ws, Edge.unique("iris"))) {
            client.send("{\"type\":\"subscribe\",\"room\":\"all\"}");
            JsonNode ack = client.awaitType("ack", WAIT);
            assertFalse(ack.has("id"));
            assertEquals("all", ack.path("room").asText());

            client.send(Map.of("type", "unsubscribe", "id", "u1", "room", "all"));
            JsonNode unsubscribed = client.await(Edge.answerTo("u1"), WAIT);
            assertEquals("ack", unsubscribed.path("type").asText());
            assertEquals("all", unsubscribed.path("room").asText());

            IntegrationEvent broadcast = Edge.event(Room.ALL, "records.announcement.v1", null, Map.of("text", "x"));
            Edge.publish(Topics.RECORDS_EVENTS, broadcast);
            client.assertNone(Edge.eventWithId(broadcast.id()), QUIET);
        }
    }

    @Test
    void oversizedFrameClosesTheConnectionWithMessageTooBig() {
        try (WsTestClient client = Edge.connect(ws, Edge.unique("jack"))) {
            client.send("{\"type\":\"subscribe\",\"room\":\"" + "a".repeat(20_000) + "\"}");
            assertEquals(1009, client.awaitClose(WAIT));
        }
    }

    private static void assertInvalid(JsonNode frame, String id) {
        assertEquals("error", frame.path("type").asText(), frame.toString());
        assertEquals("frame.invalid", frame.path("code").asText(), frame.toString());
        assertFalse(frame.path("message").asText().isEmpty());
        if (id == null) {
            assertFalse(frame.has("id"), frame.toString());
        } else {
            assertEquals(id, frame.path("id").asText());
        }
    }
}
