package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.testkit.KafkaTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's limits hold for Socket.IO clients as for native ones (ping interval 1 s, idle timeout 8 s, 5 frames per
 * second with a burst of 10, slow consumer after 3 s: {@link TightLimitsProfile}).
 */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class SocketIoLimitsTest {
    @TestHTTPResource("/")
    URI http;
    @Inject
    MembershipIndex index;

    @BeforeEach
    void ready() {
        Edge.awaitReady();
    }

    private static String connectPacket(String user) {
        return "40{\"token\":\"" + Edge.token(user) + "\"}";
    }

    private static JsonNode closeEvent(EngineIoClient client) throws Exception {
        String packet = client.awaitPrefix("42[\"realtime:close\"");
        return Json.mapper().readTree(packet.substring(2)).get(1);
    }

    @Test
    void theServerPingsAndAClientThatAnswersOutlivesTheIdleTimeout() throws Exception {
        String ann = Edge.unique("ann");
        Room room = Room.conversation(Edge.unique("c"));
        Edge.grant(room, ann);
        await().atMost(WAIT).until(() -> index.isMember(room, ann));
        try (EngineIoClient client = EngineIoClient.webSocket(http)) {
            assertEquals(1000, client.open().path("pingInterval").asInt());
            client.send(connectPacket(ann));
            client.awaitPrefix("40{");
            client.send("421[\"room:join\",{\"room\":\"" + room.name() + "\"}]");
            client.awaitPrefix("431");
            // Twelve pings, each answered: longer than the 8 s idle timeout.
            for (int ping = 0; ping < 12; ping++) {
                assertEquals("2", client.next());
                client.send("3");
            }
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 1, ann, "still here"));
            client.awaitPrefix("42[\"message:new\"");
        }
    }

    @Test
    void aClientThatAnswersNoPingsIsToldTheIdleTimeoutAndClosed() throws Exception {
        try (EngineIoClient client = EngineIoClient.webSocket(http)) {
            client.send(connectPacket(Edge.unique("mute")));
            client.awaitPrefix("40{");
            JsonNode close = closeEventIgnoringPings(client);
            assertEquals(4010, close.path("code").asInt());
            assertEquals(1000, client.awaitClosed());
        }
    }

    /** Like {@link #closeEvent} but without answering the pings it skips. */
    private static JsonNode closeEventIgnoringPings(EngineIoClient client) throws Exception {
        while (true) {
            String packet = client.next();
            if (packet.startsWith("42[\"realtime:close\"")) {
                return Json.mapper().readTree(packet.substring(2)).get(1);
            }
        }
    }

    @Test
    void aConnectOverTheUsersConnectionLimitIsAConnectError() throws Exception {
        String cy = Edge.unique("cy");
        try (EngineIoClient first = EngineIoClient.webSocket(http);
                EngineIoClient second = EngineIoClient.polling(http);
                EngineIoClient third = EngineIoClient.webSocket(http)) {
            for (EngineIoClient allowed : new EngineIoClient[] {first, second}) {
                allowed.send(connectPacket(cy));
                allowed.awaitPrefix("40{");
            }
            third.send(connectPacket(cy));
            JsonNode refused = Json.mapper().readTree(third.awaitPrefix("44").substring(2));
            assertEquals("too many connections", refused.path("message").asText());
            assertEquals("connections.limit", refused.path("data").path("code").asText());
            assertEquals(4009, refused.path("data").path("closeCode").asInt());
        }
    }

    @Test
    void aFloodingClientIsClosedWith4029() throws Exception {
        try (EngineIoClient client = EngineIoClient.webSocket(http)) {
            client.send(connectPacket(Edge.unique("flood")));
            client.awaitPrefix("40{");
            for (int i = 0; i < 60; i++) {
                client.send("42[\"typing\",{\"room\":\"all\"}]");
            }
            assertEquals(4029, closeEvent(client).path("code").asInt());
        }
    }

    @Test
    void aClientFloodingBeforeConnectIsClosedWithoutAConnectError() throws Exception {
        try (EngineIoClient client = EngineIoClient.webSocket(http)) {
            for (int i = 0; i < 60; i++) {
                client.send("6");
            }
            assertEquals(1000, client.awaitClosed());
            client.assertNoPacketStartingWith("44");
        }
    }

    @Test
    void aPollingClientThatStopsPollingIsClosedAsSlowConsumer() throws Exception {
        String bo = Edge.unique("bo");
        Room room = Room.conversation(Edge.unique("c"));
        Edge.grant(room, bo);
        await().atMost(WAIT).until(() -> index.isMember(room, bo));
        try (EngineIoClient client = EngineIoClient.polling(http)) {
            client.send(connectPacket(bo));
            client.awaitPrefix("40{");
            client.send("421[\"room:join\",{\"room\":\"" + room.name() + "\"}]");
            client.awaitPrefix("431");
            double closedBefore = Edge.counter("realtime_edge_closes_total{code=\"4008\"");
            // No GET from here on: everything published waits, past the send queue's 50 frames.
            for (int seq = 1; seq <= 120; seq++) {
                Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, seq, bo, "m" + seq));
            }
            // Observed on the metrics, since a GET would be the client reading again.
            await().atMost(WAIT).until(() -> Edge.counter("realtime_edge_closes_total{code=\"4008\"") > closedBefore);
            String payload = EngineIoClient.get(client.uri("polling", client.sid())).body();
            assertTrue(payload.contains("42[\"realtime:close\",{\"code\":4008"), payload);
            assertTrue(payload.endsWith("\u001e1"), "then the Engine.IO close packet");
        }
    }
}
