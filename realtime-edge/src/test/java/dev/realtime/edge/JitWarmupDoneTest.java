package dev.realtime.edge;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.edge.resume.RoomHistory;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Once the JIT warm-up of a packaged edge is over, nothing of it is left (no room, no subscription, no history)
 * and clients are served as usual.
 */
@QuarkusTest
@TestProfile(JitWarmupDoneTest.ShortWarmup.class)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class JitWarmupDoneTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    /** A short warm-up, over before the edge is ready. */
    public static class ShortWarmup implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("realtime.warmup.min", "1s", "realtime.warmup.max", "3s");
        }
    }

    @TestHTTPResource("/ws")
    URI http;
    @Inject
    RoomHistory history;
    @Inject
    MembershipIndex index;

    @Test
    void nothingOfTheWarmupIsLeftAndClientsAreServed() {
        Edge.awaitReady();
        RestAssured.get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.find { it.name == 'jit-warm-up' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'jit-warm-up' }.data.deliveries", greaterThan(1000))
                .body("checks.find { it.name == 'jit-warm-up' }.data.bytesReceived", greaterThan(10000));
        RestAssured.get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("realtime_edge_rooms 0.0"))
                .body(containsString("realtime_edge_subscriptions 0.0"));
        assertEquals(0, history.retainedEvents());

        String user = Edge.unique("after-warm-up");
        Room conversation = Room.conversation(Edge.unique("c"));
        Edge.grant(conversation, user);
        await().atMost(WAIT).until(() -> index.isMember(conversation, user));
        try (WsTestClient client = Edge.connect(Edge.wsUri(http), user)) {
            assertEquals("ack", Edge.subscribeAndAwait(client, "s1", conversation.name()).path("type").asText());
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(conversation, 1, user, "hello after the warm-up"));
            JsonNode event = client.await(Edge.eventFor(conversation), WAIT);
            assertEquals(1, event.path("seq").asLong());
            assertEquals("hello after the warm-up", event.path("data").path("text").asText(), event.toString());
        }
    }
}
