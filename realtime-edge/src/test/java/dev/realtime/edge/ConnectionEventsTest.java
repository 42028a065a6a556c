package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.connections.ConnectionEventTypes;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.TopicReader;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection lifecycle on realtime.connections, as a service keeping "last seen" or an audit reads it: every
 * open and close with who closed and why, refused upgrades and subscriptions, and expired tokens.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class ConnectionEventsTest {
    private static final Duration EXPIRY_WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/ws")
    URI http;
    @Inject
    EdgeConfig config;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void aSessionIsOpenedWithItsOriginAndClosedByTheClientWithItsCode() {
        String ada = Edge.unique("ada");
        try (TopicReader connections = reader()) {
            WsTestClient client = WsTestClient.connect(ws, Edge.token(ada),
                    Map.of("Origin", "http://localhost:8090", "User-Agent", "ConnectionEventsTest/1.0"));
            client.awaitType("welcome", WAIT);
            client.closeNormally(1000, "user signed out", WAIT);

            List<IntegrationEvent> events = eventsOf(connections, ada, 2);
            IntegrationEvent opened = events.get(0);
            assertEquals(ConnectionEventTypes.OPENED, opened.type());
            assertEquals(Room.user(ada), opened.room(), "key and room: the user's room");
            assertEquals(ada, opened.actor());
            assertTrue(opened.source().toString().startsWith("/realtime-edge/"), opened.source().toString());
            JsonNode openedData = data(opened);
            assertEquals(ada, openedData.path("userId").asText());
            assertEquals("http://localhost:8090", openedData.path("origin").asText());
            assertEquals("ConnectionEventsTest/1.0", openedData.path("userAgent").asText());
            // The test connects over loopback; the default keeps only the client's /24.
            assertEquals("127.0.0.0/24", openedData.path("remoteAddress").asText());
            assertFalse(openedData.has("resumeSince"), openedData.toString());
            assertFalse(openedData.path("connectionId").asText().isEmpty());

            IntegrationEvent closed = events.get(1);
            assertEquals(ConnectionEventTypes.CLOSED, closed.type());
            JsonNode closedData = data(closed);
            assertEquals(openedData.path("connectionId").asText(), closedData.path("connectionId").asText());
            assertEquals(openedData.path("instanceId").asText(), closedData.path("instanceId").asText());
            assertEquals(1000, closedData.path("closeCode").asInt());
            assertEquals("user signed out", closedData.path("reason").asText());
            assertEquals(ConnectionEventTypes.BY_CLIENT, closedData.path("initiatedBy").asText());
            assertEquals(openedData.path("at").asText(), closedData.path("openedAt").asText());
            assertTrue(closedData.path("durationMs").asLong() >= 0, closedData.toString());
        }
    }

    @Test
    void refusedSubscriptionsAndAServicesDisconnectAreEvents() {
        String bo = Edge.unique("bo");
        Room notHers = Room.conversation(Edge.unique("c"));
        try (TopicReader connections = reader(); WsTestClient client = Edge.connect(ws, bo)) {
            client.send(Map.of("type", "subscribe", "id", "s1", "room", notHers.name()));
            assertEquals("room.not_found", client.await(Edge.answerTo("s1"), WAIT).path("code").asText());
            client.send(Map.of("type", "subscribe", "id", "s2", "room", "no such kind:1"));
            assertEquals("room.not_found", client.await(Edge.answerTo("s2"), WAIT).path("code").asText());
            given().header("Authorization", "Bearer " + Edge.token("billing-service", "service"))
                    .post("/api/v1/users/" + bo + "/disconnect").then().statusCode(202);
            assertEquals(4003, client.awaitClose(WAIT));

            List<IntegrationEvent> events = eventsOf(connections, bo, 4);
            assertEquals(List.of(ConnectionEventTypes.OPENED, ConnectionEventTypes.SUBSCRIPTION_REFUSED,
                    ConnectionEventTypes.SUBSCRIPTION_REFUSED, ConnectionEventTypes.CLOSED), types(events));
            JsonNode refused = data(events.get(1));
            assertEquals(notHers.name(), refused.path("room").asText());
            assertEquals("room.not_found", refused.path("error").asText());
            // A name that does not parse is not echoed into the topic.
            JsonNode malformed = data(events.get(2));
            assertFalse(malformed.has("room"), malformed.toString());
            assertEquals("room.not_found", malformed.path("error").asText());
            assertClosedByServer(events.get(3), 4003);
        }
    }

    @Test
    void anExpiredTokenIsAnEventBeforeTheCloseWith4001() {
        String cy = Edge.unique("cy");
        try (TopicReader connections = reader();
                WsTestClient client = WsTestClient.connect(ws, Edge.token(cy, Duration.ofSeconds(3)))) {
            String expiresAt = client.awaitType("welcome", WAIT).path("expiresAt").asText();
            assertEquals(4001, client.awaitClose(EXPIRY_WAIT));

            List<IntegrationEvent> events = eventsOf(connections, cy, 3);
            assertEquals(List.of(ConnectionEventTypes.OPENED, ConnectionEventTypes.TOKEN_EXPIRED,
                    ConnectionEventTypes.CLOSED), types(events));
            assertEquals(Instant.parse(expiresAt), Instant.parse(data(events.get(1)).path("expiresAt").asText()));
            assertClosedByServer(events.get(2), 4001);
        }
    }

    @Test
    void anUpgradeOverTheUsersConnectionLimitIsARefusal() {
        String di = Edge.unique("di");
        int limit = config.limits().maxConnectionsPerUser();
        List<WsTestClient> open = new ArrayList<>();
        try (TopicReader connections = reader()) {
            for (int i = 0; i < limit; i++) {
                open.add(Edge.connect(ws, di));
            }
            WsTestClient oneTooMany = WsTestClient.connect(ws, Edge.token(di));
            assertEquals(4009, oneTooMany.awaitClose(WAIT));

            List<IntegrationEvent> events = eventsOf(connections, di, limit + 1);
            List<IntegrationEvent> refusals = events.stream()
                    .filter(event -> ConnectionEventTypes.REFUSED.equals(event.type())).toList();
            assertEquals(1, refusals.size(), types(events).toString());
            assertEquals(4009, data(refusals.get(0)).path("closeCode").asInt());
            assertEquals(limit, events.stream().filter(e -> ConnectionEventTypes.OPENED.equals(e.type())).count());
        } finally {
            open.forEach(WsTestClient::close);
        }
    }

    private static TopicReader reader() {
        return new TopicReader(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                Topics.CONNECTIONS);
    }

    /** The first {@code count} events of the user, in the topic's order (one partition per user). */
    private static List<IntegrationEvent> eventsOf(TopicReader reader, String user, int count) {
        String key = Room.user(user).name();
        List<IntegrationEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : reader.awaitRecords(r -> key.equals(r.key()), count, WAIT)) {
            events.add(CloudEventCodec.fromRecord(record));
        }
        return events.subList(0, count);
    }

    private static void assertClosedByServer(IntegrationEvent event, int code) {
        assertEquals(ConnectionEventTypes.CLOSED, event.type());
        JsonNode closed = data(event);
        assertEquals(code, closed.path("closeCode").asInt(), closed.toString());
        assertEquals(ConnectionEventTypes.BY_SERVER, closed.path("initiatedBy").asText());
    }

    private static List<String> types(List<IntegrationEvent> events) {
        return events.stream().map(IntegrationEvent::type).toList();
    }

    private static JsonNode data(IntegrationEvent event) {
        return event.dataAs(JsonNode.class);
    }
}
