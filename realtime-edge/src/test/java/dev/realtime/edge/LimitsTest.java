package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.RawWsClient;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every limit with its error frame or close code, and that hitting one costs nobody else anything. */
@QuarkusTest
@TestProfile(TightLimitsProfile.class)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class LimitsTest {
    private static final Duration LONG_WAIT = Duration.ofSeconds(40);

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
    void subscriptionsBeyondTheLimitAreRefusedWithoutCountingTheAutomaticRooms() {
        try (WsTestClient client = Edge.connect(ws, Edge.unique("mia"), "ops", "dev")) {
            // Own room, two role rooms and "all" are already joined; three more are allowed.
            for (String room : List.of("role:ops", "role:dev", "all")) {
                assertEquals("ack", Edge.subscribeAndAwait(client, room, room).path("type").asText());
            }
            for (int i = 0; i < 3; i++) {
                Room project = grantedProject(client);
                assertEquals("ack", Edge.subscribeAndAwait(client, "p" + i, project.name()).path("type").asText());
            }
            Room fourth = grantedProject(client);
            JsonNode refused = Edge.subscribeAndAwait(client, "p4", fourth.name());
            assertEquals("subscriptions.limit", refused.path("code").asText(), refused.toString());

            client.send(Map.of("type", "unsubscribe", "id", "u", "room", "all"));
            client.await(Edge.answerTo("u"), WAIT);
            assertEquals("subscriptions.limit", Edge.subscribeAndAwait(client, "p5", fourth.name()).path("code").asText());
        }
    }

    private Room grantedProject(WsTestClient client) {
        JsonNode welcome = client.received().get(0);
        String user = welcome.path("user").asText();
        Room project = Room.project(Edge.unique("p"));
        Edge.grant(project, user);
        await().atMost(WAIT).until(() -> index.isMember(project, user));
        return project;
    }

    @Test
    void aUserCannotOpenMoreConnectionsThanTheLimitOthersCan() {
        String nora = Edge.unique("nora");
        try (WsTestClient first = Edge.connect(ws, nora);
                WsTestClient second = Edge.connect(ws, nora);
                WsTestClient third = WsTestClient.connect(ws, Edge.token(nora))) {
            assertEquals(4009, third.awaitClose(WAIT));
            assertTrue(third.received().isEmpty(), "no welcome: " + third.received());
            try (WsTestClient someoneElse = Edge.connect(ws, Edge.unique("omar"))) {
                assertEquals("ack", Edge.subscribeAndAwait(someoneElse, "a", "all").path("type").asText());
            }
            assertEquals("ack", Edge.subscribeAndAwait(first, "a", "all").path("type").asText());
            second.close();
            // A slot is free again once a connection closes.
            await().atMost(WAIT).untilAsserted(() -> {
                try (WsTestClient again = WsTestClient.connect(ws, Edge.token(nora))) {
                    again.awaitType("welcome", Duration.ofSeconds(5));
                }
            });
        }
    }

    @Test
    void framesOverTheRateAreRefusedEachAnsweredOnceAndTheBudgetRefills() {
        try (WsTestClient client = Edge.connect(ws, Edge.unique("pia"))) {
            for (int i = 0; i < 15; i++) {
                client.send(Map.of("type", "subscribe", "id", "f" + i, "room", "all"));
            }
            // On a timeout the assertion names every frame that did arrive, and whether the connection is still open.
            await().atMost(WAIT).untilAsserted(() -> assertEquals(15, answers(client),
                    "open=" + client.isOpen() + ", received " + client.received()));
            long limited = client.received().stream()
                    .filter(frame -> "rate.limited".equals(frame.path("code").asText())).count();
            assertTrue(limited >= 1 && limited <= 5, client.received().toString());
            // As a client should: a refusal carries no id (the frame was not looked at), so wait for either an answer
            // or a refusal, and after a refusal slow down and ask again. Sent at once, "later" may still find the
            // budget empty (5 frames a second refill it).
            for (int i = 0; i < 15; i++) {
                client.await(frame -> List.of("ack", "error").contains(frame.path("type").asText()), WAIT);
            }
            JsonNode answer = null;
            for (int attempt = 0; attempt < 10 && answer == null; attempt++) {
                String id = "later" + attempt;
                client.send(Map.of("type", "subscribe", "id", id, "room", "all"));
                JsonNode reply = client.await(Edge.answerTo(id).or(LimitsTest::rateLimited), WAIT);
                if (rateLimited(reply)) {
                    await().pollDelay(Duration.ofMillis(300)).until(() -> true);
                } else {
                    answer = reply;
                }
            }
            assertEquals("ack", answer == null ? null : answer.path("type").asText(), client.received().toString());
        }
    }

    private static boolean rateLimited(JsonNode frame) {
        return "rate.limited".equals(frame.path("code").asText());
    }

    private static long answers(WsTestClient client) {
        return client.received().stream()
                .filter(frame -> List.of("ack", "error").contains(frame.path("type").asText())).count();
    }

    @Test
    void aClientThatKeepsFloodingIsClosedWith4029AndOthersCarryOn() {
        try (WsTestClient flooder = Edge.connect(ws, Edge.unique("quinn"));
                WsTestClient bystander = Edge.connect(ws, Edge.unique("rosa"))) {
            for (int i = 0; i < 200 && flooder.isOpen(); i++) {
                flooder.send("{\"type\":\"subscribe\",\"room\":\"all\"}");
            }
            assertEquals(4029, flooder.awaitClose(WAIT));
            assertEquals("ack", Edge.subscribeAndAwait(bystander, "b", "all").path("type").asText());
        }
    }

    @Test
    void aClientThatDoesNotReadIsClosedAsSlowConsumerAndOthersStillReceive() {
        String slow = Edge.unique("sam");
        String other = Edge.unique("tess");
        try (RawWsClient stalled = RawWsClient.connect(ws, Edge.token(slow), 4096);
                WsTestClient bystander = Edge.connect(ws, other)) {
            // The counter exists from the start (at 0) and other tests may have closed slow consumers: wait for it to
            // grow, not to appear.
            double closedBefore = Edge.counter("realtime_edge_closes_total{code=\"4008\"");
            String big = "x".repeat(16_000);
            for (int i = 0; i < 800; i++) {
                Edge.producer().send(CloudEventCodec.toRecord(Topics.NOTIFICATION_EVENTS,
                        Edge.event(Room.user(slow), "notification.notification.new.v1", (long) i + 1,
                                Map.of("body", big))));
            }
            Edge.producer().flush();
            await().atMost(LONG_WAIT).until(() -> Edge.counter("realtime_edge_closes_total{code=\"4008\"") > closedBefore);
            RawWsClient.Ending ending = stalled.readUntilClosed(LONG_WAIT);
            assertTrue(ending.closeCode() == 4008 || ending.closeCode() == -1, "ended with " + ending.closeCode());
            assertTrue(ending.texts().size() < 800, "all frames arrived: the client was not slow enough");

            IntegrationEvent after = Edge.event(Room.user(other), "notification.notification.new.v1", 1L,
                    Map.of("title", "fine"));
            Edge.publish(Topics.NOTIFICATION_EVENTS, after);
            bystander.await(Edge.eventWithId(after.id()), WAIT);
        }
    }

    @Test
    void aClientWhoseSocketTakesNothingIsClosedAsSlowConsumerThoughItsSendQueueNeverFilled() {
        String user = Edge.unique("xena");
        Room own = Room.user(user);
        String big = "x".repeat(40_000);
        try (WsTestClient reader = Edge.connect(ws, user)) {
            for (long seq = 1; seq <= 200; seq++) {
                Edge.producer().send(CloudEventCodec.toRecord(Topics.NOTIFICATION_EVENTS,
                        Edge.event(own, "notification.notification.new.v1", seq, Map.of("body", big))));
            }
            Edge.producer().flush();
            // Once one connection has the last, the edge's window holds all 200 (8 MB).
            reader.await(frame -> frame.path("seq").asLong() == 200, LONG_WAIT);
            double closedBefore = Edge.counter("realtime_edge_closes_total{code=\"4008\"");
            try (RawWsClient stalled = RawWsClient.connect(ws, Edge.token(user), 4096)) {
                stalled.readUntil(text -> text.contains("\"welcome\""), WAIT);
                // The replay is written to the socket as fast as it takes it, outside the send queue; the client
                // reads none of it, but keeps saying it is alive (so the idle timeout does not apply).
                stalled.sendText("{\"type\":\"subscribe\",\"id\":\"r\",\"room\":\"" + own.name()
                        + "\",\"since\":0}");
                await().atMost(LONG_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                    stalled.sendPong();
                    return Edge.counter("realtime_edge_closes_total{code=\"4008\"") > closedBefore;
                });
                RawWsClient.Ending ending = stalled.readUntilClosed(LONG_WAIT);
                assertTrue(ending.closeCode() == 4008 || ending.closeCode() == -1, "ended with " + ending.closeCode());
            }
            assertEquals("ack", Edge.subscribeAndAwait(reader, "a", "all").path("type").asText());
        }
    }


    @Test
    void aConnectionThatAnswersNoPingsIsClosedAfterTheIdleTimeout() {
        try (RawWsClient dead = RawWsClient.connect(ws, Edge.token(Edge.unique("ugo")), 65536);
                WsTestClient alive = Edge.connect(ws, Edge.unique("vera"))) {
            RawWsClient.Ending ending = dead.readUntilClosed(LONG_WAIT);
            assertEquals(4010, ending.closeCode());
            assertTrue(ending.pings() >= 2, "pings seen: " + ending.pings());
            // The JDK client answers the pings: same age, still open.
            assertTrue(alive.isOpen());
            assertEquals("ack", Edge.subscribeAndAwait(alive, "a", "all").path("type").asText());
        }
    }

    @Test
    void aTypingIndicatorLapsesWhenNotRefreshed() {
        String alice = Edge.unique("alice");
        String bob = Edge.unique("bob");
        Room room = Room.conversation(Edge.unique("c"));
        Edge.grant(room, alice);
        Edge.grant(room, bob);
        await().atMost(WAIT).until(() -> index.isMember(room, alice) && index.isMember(room, bob));
        try (WsTestClient aliceClient = Edge.connect(ws, alice);
                WsTestClient bobClient = Edge.connect(ws, bob)) {
            Edge.subscribeAndAwait(aliceClient, "s", room.name());
            Edge.subscribeAndAwait(bobClient, "s", room.name());
            bobClient.send(Map.of("type", "typing", "room", room.name()));
            aliceClient.await(PresenceTest.typing(bob, true), WAIT);
            long started = System.nanoTime();
            aliceClient.await(PresenceTest.typing(bob, false), WAIT);
            assertTrue(System.nanoTime() - started >= Duration.ofMillis(1500).toNanos(), "stopped too early");
        }
    }

    @Test
    void anotherInstancesUserGoesOfflineWhenItsAnnouncementsStop() {
        String alice = Edge.unique("alice");
        String wanda = Edge.unique("wanda");
        Room room = Room.conversation(Edge.unique("c"));
        Edge.grant(room, alice);
        Edge.grant(room, wanda);
        await().atMost(WAIT).until(() -> index.isMember(room, alice) && index.isMember(room, wanda));
        try (WsTestClient aliceClient = Edge.connect(ws, alice)) {
            Edge.subscribeAndAwait(aliceClient, "s", room.name());
            // A crashed instance: one announcement, then silence.
            PresenceTest.announce(wanda, "crashed-instance", 1);
            aliceClient.await(PresenceTest.presence(wanda, "joined"), WAIT);
            long joined = System.nanoTime();
            aliceClient.await(PresenceTest.presence(wanda, "left"), WAIT);
            assertTrue(System.nanoTime() - joined >= Duration.ofSeconds(2).toNanos(), "left too early");
            // alice's own heartbeats keep her online past the TTL.
            JsonNode ack = Edge.subscribeAndAwait(aliceClient, "again", room.name());
            assertEquals(List.of(alice), PresenceTest.names(ack.path("online")));
        }
    }
}
