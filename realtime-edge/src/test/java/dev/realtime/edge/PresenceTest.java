package dev.realtime.edge;

import static dev.realtime.edge.Edge.QUIET;
import static dev.realtime.edge.Edge.WAIT;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.contracts.signals.PresenceSignal;
import dev.realtime.contracts.signals.SignalTypes;
import dev.realtime.edge.memberships.MembershipIndex;
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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Presence across connections and instances, and typing indicators, over realtime.signals. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class PresenceTest {
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

    static Predicate<JsonNode> presence(String user, String state) {
        return frame -> "presence".equals(frame.path("type").asText()) && user.equals(frame.path("user").asText())
                && state.equals(frame.path("state").asText());
    }

    static Predicate<JsonNode> typing(String user, boolean typing) {
        return frame -> "typing".equals(frame.path("type").asText()) && user.equals(frame.path("user").asText())
                && frame.path("typing").asBoolean() == typing;
    }

    private Room conversationOf(String... users) {
        Room room = Room.conversation(Edge.unique("c"));
        for (String user : users) {
            Edge.grant(room, user);
        }
        await().atMost(WAIT).until(() -> List.of(users).stream().allMatch(user -> index.isMember(room, user)));
        return room;
    }

    @Test
    void aUserIsOnlineWhileAnyOfTheirConnectionsIsOpenAndTheSignalsFollowTheContract() {
        String alice = Edge.unique("alice");
        String bob = Edge.unique("bob");
        String carol = Edge.unique("carol");
        Room room = conversationOf(alice, bob, carol);
        try (TopicReader signals = new TopicReader(
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class), Topics.SIGNALS);
                WsTestClient aliceClient = Edge.connect(ws, alice)) {
            JsonNode ack = Edge.subscribeAndAwait(aliceClient, "s", room.name());
            assertEquals(List.of(alice), names(ack.path("online")), ack.toString());

            WsTestClient bobFirst = Edge.connect(ws, bob);
            aliceClient.await(presence(bob, "joined"), WAIT);
            WsTestClient bobSecond = Edge.connect(ws, bob);
            JsonNode bobAck = Edge.subscribeAndAwait(bobSecond, "s", room.name());
            assertEquals(List.of(alice, bob).stream().sorted().toList(), names(bobAck.path("online")));

            bobFirst.close();
            // One connection left: still online, so no "left"; carol coming online proves the frames flow meanwhile.
            WsTestClient carolClient = Edge.connect(ws, carol);
            aliceClient.await(presence(carol, "joined"), WAIT);
            assertFalse(aliceClient.received().stream().anyMatch(presence(bob, "left")));

            bobSecond.close();
            aliceClient.await(presence(bob, "left"), WAIT);
            carolClient.close();
            aliceClient.await(presence(carol, "left"), WAIT);

            // What notification-service reads: per (user, instance) counts under realtime.presence.v1, key user:<id>.
            signals.awaitRecords(record -> ("user:" + bob).equals(record.key()), 4, WAIT);
            List<ConsumerRecord<String, byte[]>> bobSignals = signals.drain(Duration.ofMillis(500)).stream()
                    .filter(record -> ("user:" + bob).equals(record.key())).toList();
            List<Integer> counts = new ArrayList<>();
            String instance = null;
            for (ConsumerRecord<String, byte[]> record : bobSignals) {
                IntegrationEvent event = CloudEventCodec.fromRecord(record);
                assertEquals(SignalTypes.PRESENCE.ceType(), event.type());
                assertEquals(Room.user(bob), event.room());
                PresenceSignal signal = event.dataAs(PresenceSignal.class);
                assertEquals(bob, signal.userId());
                instance = instance == null ? signal.instanceId() : instance;
                assertEquals(instance, signal.instanceId());
                // A heartbeat repeats the current count; only the changes matter here.
                if (counts.isEmpty() || counts.get(counts.size() - 1) != signal.connections()) {
                    counts.add(signal.connections());
                }
            }
            assertEquals(List.of(1, 2, 1, 0), counts);
        }
    }

    @Test
    void usersOnlineOnAnotherInstanceAreOnlineHere() {
        String alice = Edge.unique("alice");
        String dave = Edge.unique("dave");
        Room room = conversationOf(alice, dave);
        String otherInstance = "other-" + UUID.randomUUID().toString().substring(0, 8);
        try (WsTestClient aliceClient = Edge.connect(ws, alice)) {
            Edge.subscribeAndAwait(aliceClient, "s", room.name());
            announce(dave, otherInstance, 1);
            aliceClient.await(presence(dave, "joined"), WAIT);
            JsonNode again = Edge.subscribeAndAwait(aliceClient, "again", room.name());
            assertTrue(names(again.path("online")).contains(dave), again.toString());

            announce(dave, otherInstance, 0);
            aliceClient.await(presence(dave, "left"), WAIT);
        }
    }

    /** The server API's per-user query: online anywhere, and how many connections on how many instances. */
    @Test
    void aServiceAsksWhetherAUserIsOnlineOnAnyInstance() {
        String erin = Edge.unique("erin");
        String path = "/api/v1/users/" + erin + "/presence";
        String otherInstance = "other-" + UUID.randomUUID().toString().substring(0, 8);
        assertPresence(path, erin, false, 0, 0, 0);
        try (WsTestClient phone = Edge.connect(ws, erin); WsTestClient laptop = Edge.connect(ws, erin)) {
            await().atMost(WAIT).untilAsserted(() -> assertPresence(path, erin, true, 2, 1, 2));
            announce(erin, otherInstance, 3);
            await().atMost(WAIT).untilAsserted(() -> assertPresence(path, erin, true, 5, 2, 2));
            laptop.close();
            await().atMost(WAIT).untilAsserted(() -> assertPresence(path, erin, true, 4, 2, 1));
            announce(erin, otherInstance, 0);
            await().atMost(WAIT).untilAsserted(() -> assertPresence(path, erin, true, 1, 1, 1));
        }
        await().atMost(WAIT).untilAsserted(() -> assertPresence(path, erin, false, 0, 0, 0));
        // Last seen comes from notification-service, which does not run in these tests: the live part still answers.
        given().header("Authorization", "Bearer " + Edge.token("billing-service", "service")).get(path)
                .then().statusCode(200).body("lastSeenAvailable", equalTo(false))
                .body("lastSeenAt", org.hamcrest.Matchers.nullValue());

        given().header("Authorization", "Bearer " + Edge.token("billing-service", "service")).get("/api/v1/users/not a user/presence")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-request"));
        // Only services: a user may not ask who else is online.
        given().header("Authorization", "Bearer " + Edge.token(erin, "user")).get(path).then().statusCode(403);
    }

    private static void assertPresence(String path, String user, boolean online, int connections, int instances,
            int localConnections) {
        given().header("Authorization", "Bearer " + Edge.token("billing-service", "service")).get(path).then().statusCode(200)
                .body("user", equalTo(user)).body("online", equalTo(online))
                .body("connections", equalTo(connections)).body("instances", equalTo(instances))
                .body("localConnections", equalTo(localConnections));
    }

    @Test
    void anOnlineUserAddedToOrRemovedFromARoomJoinsOrLeavesIt() {
        String alice = Edge.unique("alice");
        String gina = Edge.unique("gina");
        Room room = conversationOf(alice);
        try (WsTestClient aliceClient = Edge.connect(ws, alice);
                WsTestClient ginaClient = Edge.connect(ws, gina)) {
            Edge.subscribeAndAwait(aliceClient, "s", room.name());
            Edge.grant(room, gina);
            aliceClient.await(presence(gina, "joined"), WAIT);
            Edge.revoke(room, gina);
            aliceClient.await(presence(gina, "left"), WAIT);
        }
    }

    @Test
    void typingReachesTheRoomsOtherSubscribersButNotTheTypist() {
        String alice = Edge.unique("alice");
        String bob = Edge.unique("bob");
        String outsider = Edge.unique("olga");
        Room room = conversationOf(alice, bob);
        try (WsTestClient aliceClient = Edge.connect(ws, alice);
                WsTestClient bobClient = Edge.connect(ws, bob);
                WsTestClient bobOtherTab = Edge.connect(ws, bob);
                WsTestClient outsiderClient = Edge.connect(ws, outsider)) {
            Edge.subscribeAndAwait(aliceClient, "s", room.name());
            Edge.subscribeAndAwait(bobClient, "s", room.name());
            Edge.subscribeAndAwait(bobOtherTab, "s", room.name());

            bobClient.send(Map.of("type", "typing", "room", room.name(), "typing", true));
            JsonNode started = aliceClient.await(typing(bob, true), WAIT);
            assertEquals(room.name(), started.path("room").asText());
            assertEquals(bob, started.path("name").asText());

            bobClient.send(Map.of("type", "typing", "room", room.name(), "typing", false));
            aliceClient.await(typing(bob, false), WAIT);
            bobClient.assertNone(Edge.ofType("typing"), QUIET);
            assertFalse(bobOtherTab.received().stream().anyMatch(Edge.ofType("typing")));
            assertFalse(outsiderClient.received().stream().anyMatch(Edge.ofType("typing")));

            // Typing needs a subscription to the room, and only conversations and projects have it.
            outsiderClient.send(Map.of("type", "typing", "id", "t1", "room", room.name()));
            assertEquals("room.not_found", outsiderClient.await(Edge.answerTo("t1"), WAIT).path("code").asText());
            aliceClient.send(Map.of("type", "typing", "id", "t2", "room", "all"));
            assertEquals("frame.invalid", aliceClient.await(Edge.answerTo("t2"), WAIT).path("code").asText());
            aliceClient.send(Map.of("type", "typing", "id", "t3", "room", room.name(), "typing", "yes"));
            assertEquals("frame.invalid", aliceClient.await(Edge.answerTo("t3"), WAIT).path("code").asText());
        }
    }

    @Test
    void closingTheConnectionStopsItsTypingIndicator() {
        String alice = Edge.unique("alice");
        String bob = Edge.unique("bob");
        Room room = conversationOf(alice, bob);
        try (WsTestClient aliceClient = Edge.connect(ws, alice)) {
            Edge.subscribeAndAwait(aliceClient, "s", room.name());
            WsTestClient bobClient = Edge.connect(ws, bob);
            Edge.subscribeAndAwait(bobClient, "s", room.name());
            bobClient.send(Map.of("type", "typing", "room", room.name()));
            aliceClient.await(typing(bob, true), WAIT);
            bobClient.close();
            aliceClient.await(typing(bob, false), WAIT);
        }
    }

    static void announce(String user, String instance, int connections) {
        PresenceSignal signal = new PresenceSignal(user, instance, connections, Instant.now());
        Edge.publish(Topics.SIGNALS, new IntegrationEvent(UUID.randomUUID().toString(), Edge.SOURCE,
                SignalTypes.PRESENCE.ceType(), OffsetDateTime.now(), Room.user(user), null, user, Json.write(signal)));
    }

    static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(node -> names.add(node.asText()));
        return names;
    }
}
