package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
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
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Socket.IO endpoint against the Engine.IO v4 and Socket.IO v5 specifications, with raw packets over both
 * transports: the handshake and its refusals, CONNECT with a token, events and acks, live events, malformed packets.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class SocketIoProtocolTest {
    @TestHTTPResource("/")
    URI http;
    @Inject
    MembershipIndex index;

    @BeforeEach
    void ready() {
        Edge.awaitReady();
    }

    private Room conversationOf(String... users) {
        Room room = Room.conversation(Edge.unique("c"));
        for (String user : users) {
            Edge.grant(room, user);
        }
        await().atMost(WAIT).until(() -> java.util.Arrays.stream(users).allMatch(user -> index.isMember(room, user)));
        return room;
    }

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    /** The arguments of an EVENT packet {@code 42[...]}. */
    private static JsonNode eventArguments(String packet) throws Exception {
        assertTrue(packet.startsWith("42["), packet);
        return json(packet.substring(2));
    }

    private static String connectPacket(String user) {
        return "40{\"token\":\"" + Edge.token(user) + "\"}";
    }

    @Test
    void theHandshakeOpensASessionAndRefusesWhatTheSpecificationRefuses() throws Exception {
        try (EngineIoClient client = EngineIoClient.polling(http)) {
            JsonNode open = client.open();
            assertEquals(22, client.sid().length(), "128 random bits, base64url");
            assertEquals("[\"websocket\"]", open.path("upgrades").toString());
            assertEquals(30000, open.path("pingInterval").asInt());
            assertEquals(20000, open.path("pingTimeout").asInt());
            assertEquals(16384, open.path("maxPayload").asInt());
        }
        assertError(EngineIoClient.get(URI.create(http + "socket.io/?EIO=3&transport=polling")), 400, 5);
        String[] undecodable = EngineIoClient.rawGet(http, "/socket.io/?EIO=4&transport=polling&x=%");
        assertEquals("400", undecodable[0], "a query that does not decode is the client's fault: " + undecodable[1]);
        assertError(EngineIoClient.get(URI.create(http + "socket.io/?transport=polling")), 400, 5);
        assertError(EngineIoClient.get(URI.create(http + "socket.io/?EIO=4&transport=carrier-pigeon")), 400, 0);
        assertError(EngineIoClient.post(URI.create(http + "socket.io/?EIO=4&transport=polling"), "40"), 400, 2);
        assertError(EngineIoClient.get(URI.create(http + "socket.io/?EIO=4&transport=polling&sid=nope")), 400, 1);
        assertError(EngineIoClient.post(URI.create(http + "socket.io/?EIO=4&transport=polling&sid=nope"), "40"), 400,
                1);
        HttpResponse<String> foreign = EngineIoClient.HTTP.send(java.net.http.HttpRequest.newBuilder(
                URI.create(http + "socket.io/?EIO=4&transport=polling")).header("Origin", "https://evil.example")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertError(foreign, 403, 4);
    }

    private static void assertError(HttpResponse<String> response, int status, int code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, json(response.body()).path("code").asInt(), response.body());
    }

    @Test
    void aPollingClientConnectsJoinsAndReceivesALiveMessage() throws Exception {
        String ann = Edge.unique("ann");
        Room room = conversationOf(ann);
        try (EngineIoClient client = EngineIoClient.polling(http)) {
            client.send(connectPacket(ann));
            JsonNode connected = json(client.awaitPrefix("40").substring(2));
            assertTrue(connected.path("sid").isTextual());
            JsonNode welcome = eventArguments(client.awaitPrefix("42[\"welcome\""));
            assertEquals(ann, welcome.get(1).path("user").asText());

            client.send("421[\"room:join\",{\"room\":\"" + room.name() + "\"}]");
            JsonNode ack = json(client.awaitPrefix("431").substring(3));
            assertTrue(ack.get(0).path("ok").asBoolean(), ack.toString());
            assertEquals(room.name(), ack.get(0).path("room").asText());

            IntegrationEvent message = Edge.message(room, 1, ann, "hello over polling");
            Edge.publish(Topics.CHAT_EVENTS, message);
            JsonNode event = eventArguments(client.awaitPrefix("42[\"message:new\""));
            assertEquals(room.name(), event.get(1).path("room").asText());
            assertEquals(1, event.get(1).path("seq").asLong());
            assertEquals(message.id(), event.get(1).path("eventId").asText());
            assertEquals("hello over polling", event.get(1).path("data").path("text").asText());
            assertTrue(event.get(1).path("type").isMissingNode(), "the native type is not repeated");
        }
    }

    @Test
    void aWebSocketClientIsRefusedABadTokenThenConnectsAndIsRefusedAForeignRoom() throws Exception {
        String bo = Edge.unique("bo");
        Room notHers = conversationOf(Edge.unique("someone"));
        try (EngineIoClient client = EngineIoClient.webSocket(http)) {
            client.send("40{\"token\":\"not-a-jwt\"}");
            JsonNode refused = json(client.awaitPrefix("44").substring(2));
            assertEquals("token is not valid", refused.path("message").asText());
            assertEquals("token.invalid", refused.path("data").path("code").asText());

            client.send("40/admin,{}");
            assertEquals("{\"message\":\"Invalid namespace\"}", client.awaitPrefix("44/admin,").substring(9));

            client.send(connectPacket(bo));
            client.awaitPrefix("40{\"sid\"");
            // An open Engine.IO socket is counted by realtime_edge_sessions only: no HTTP-server series for its path
            // (application.properties says why).
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertFalse(metrics.contains("uri=\"/socket.io"), "the Socket.IO path is in the HTTP server's metrics");
            client.send("427[\"room:join\",{\"roomId\":\"" + notHers.name() + "\"}]",
                    "428[\"room:join\",{\"room\":\"conversation:" + Edge.unique("none") + "\"}]",
                    "429[\"dance\",{}]");
            JsonNode foreign = json(client.awaitPrefix("437").substring(3)).get(0);
            JsonNode unknown = json(client.awaitPrefix("438").substring(3)).get(0);
            assertEquals(foreign, unknown, "a foreign room reads like one that does not exist");
            assertEquals("room.not_found", foreign.path("error").path("code").asText());
            assertTrue(!foreign.path("ok").asBoolean());
            assertEquals("frame.invalid", json(client.awaitPrefix("439").substring(3)).get(0).path("error")
                    .path("code").asText());
        }
    }

    @Test
    void typingAndPresenceReachSocketIoClients() throws Exception {
        String ann = Edge.unique("ann");
        String bo = Edge.unique("bo");
        Room room = conversationOf(ann, bo);
        try (EngineIoClient annClient = EngineIoClient.webSocket(http);
                EngineIoClient boClient = EngineIoClient.polling(http)) {
            annClient.send(connectPacket(ann));
            annClient.awaitPrefix("40{");
            annClient.send("421[\"room:join\",{\"room\":\"" + room.name() + "\"}]");
            annClient.awaitPrefix("431");
            boClient.send(connectPacket(bo));
            boClient.awaitPrefix("40{");
            boClient.send("421[\"room:join\",{\"room\":\"" + room.name() + "\"}]");
            JsonNode ack = json(boClient.awaitPrefix("431").substring(3)).get(0);
            assertTrue(ack.path("online").toString().contains(ann), ack.toString());
            JsonNode joined = eventArguments(annClient.awaitPrefix("42[\"presence\""));
            assertEquals(bo, joined.get(1).path("user").asText());
            assertEquals("joined", joined.get(1).path("state").asText());

            boClient.send("42[\"typing\",{\"room\":\"" + room.name() + "\",\"typing\":true}]");
            JsonNode typing = eventArguments(annClient.awaitPrefix("42[\"typing\""));
            assertEquals(bo, typing.get(1).path("user").asText());
            assertTrue(typing.get(1).path("typing").asBoolean());
        }
    }

    @Test
    void aPollingSessionUpgradesToAWebSocketWithoutLosingOrReorderingABurst() throws Exception {
        String dee = Edge.unique("dee");
        Room room = conversationOf(dee);
        int burst = 300;
        // Other sessions on the event loops, so that their batched writes are under way when the session moves.
        List<WsTestClient> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            WsTestClient other = Edge.connect(Edge.wsUri(http.resolve("/ws")), dee);
            Edge.subscribeAndAwait(other, "s", room.name());
            others.add(other);
        }
        try (EngineIoClient client = EngineIoClient.polling(http)) {
            assertEquals("[\"websocket\"]", client.open().path("upgrades").toString());
            client.send(connectPacket(dee));
            client.awaitPrefix("40{");
            client.send("421[\"room:join\",{\"room\":\"" + room.name() + "\"}]");
            client.awaitPrefix("431");
            for (int seq = 1; seq <= burst / 3; seq++) {
                Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, seq, dee, "m" + seq));
            }
            for (int seq = 1; seq <= burst / 3; seq++) {
                JsonNode event = eventArguments(client.awaitPrefix("42[\"message:new\"")).get(1);
                assertEquals(seq, event.path("seq").asLong(), "over polling");
            }
            Thread publisher = new Thread(() -> {
                for (int seq = burst / 3 + 1; seq <= burst; seq++) {
                    Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, seq, dee, "m" + seq));
                }
            });
            publisher.start();
            // The switch happens while the rest of the burst is being published and delivered.
            client.upgrade(client::pollUntilNoop);
            publisher.join();
            for (int seq = burst / 3 + 1; seq <= burst; seq++) {
                JsonNode event = eventArguments(client.awaitPrefix("42[\"message:new\"")).get(1);
                assertEquals(seq, event.path("seq").asLong(), "every event once, in order, across the switch");
            }
            assertError(EngineIoClient.get(client.uri("polling", client.sid())), 400, 3);
            client.send("421[\"room:leave\",{\"room\":\"" + room.name() + "\"}]");
            assertTrue(json(client.awaitPrefix("431").substring(3)).get(0).path("ok").asBoolean());
        } finally {
            others.forEach(WsTestClient::close);
        }
    }

    @Test
    void aClientThatKeepsSendingRefusedConnectsIsClosed() throws Exception {
        try (EngineIoClient client = EngineIoClient.webSocket(http)) {
            for (int i = 0; i < 3; i++) {
                client.send("40{\"token\":\"not-a-jwt-" + i + "\"}");
                client.awaitPrefix("44");
            }
            assertEquals(1000, client.awaitClosed());
        }
    }

    @Test
    void malformedPacketsCloseTheConnection() throws Exception {
        for (String bad : new String[] {"4abc", "42{}", "42[]", "42[1]", "451-[\"x\",{\"_placeholder\":true,\"num\":0}]",
                "2", "9"}) {
            try (EngineIoClient client = EngineIoClient.webSocket(http)) {
                client.send(connectPacket(Edge.unique("mal")));
                client.awaitPrefix("40{");
                client.send(bad);
                assertEquals(1000, client.awaitClosed(), bad);
            }
        }
        try (EngineIoClient client = EngineIoClient.webSocket(http)) {
            client.send("42[\"room:join\",{\"room\":\"all\"}]");
            assertEquals(1000, client.awaitClosed(), "an event before CONNECT");
        }
        try (EngineIoClient client = EngineIoClient.polling(http)) {
            HttpResponse<String> answer = EngineIoClient.post(client.uri("polling", client.sid()), "4abc");
            assertEquals(400, answer.statusCode());
            HttpResponse<String> last = EngineIoClient.get(client.uri("polling", client.sid()));
            assertEquals("1", last.body(), "the close packet");
            assertError(EngineIoClient.get(client.uri("polling", client.sid())), 400, 1);
        }
    }

    @Test
    void aServiceDisconnectArrivesAsTheNativeCodeThenSocketIoDisconnect() throws Exception {
        String cy = Edge.unique("cy");
        try (EngineIoClient client = EngineIoClient.webSocket(http)) {
            client.send(connectPacket(cy));
            client.awaitPrefix("40{");
            given().header("Authorization", "Bearer " + Edge.token("billing-service", "service"))
                    .post("/api/v1/users/" + cy + "/disconnect").then().statusCode(202);
            JsonNode close = eventArguments(client.awaitPrefix("42[\"realtime:close\""));
            assertEquals(4003, close.get(1).path("code").asInt());
            assertEquals("41", client.next());
            client.awaitClosed();
        }
    }

    @Test
    void aPostOverTheMaximumPayloadIsRefused() throws Exception {
        try (EngineIoClient client = EngineIoClient.polling(http)) {
            HttpResponse<String> answer = EngineIoClient.post(client.uri("polling", client.sid()),
                    "4" + "x".repeat(20_000));
            assertEquals(413, answer.statusCode());
        }
    }
}
