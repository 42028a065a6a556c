package dev.realtime.notification;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.connections.ConnectionEvent;
import dev.realtime.contracts.connections.ConnectionEventTypes;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * "Last seen" from realtime-edge's connection lifecycle (realtime.connections) and presence announcements
 * (realtime.signals), through {@code GET /api/users/{user}/presence}, as a front end or a service reads it.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class LastSeenTest {

    @Test
    void lastSeenFollowsConnectsAndDisconnectsAndLateEventsNeverMoveItBack() {
        String eve = Sources.user("eve");
        String path = "/api/users/" + eve + "/presence";
        Sources.as(eve).get(path).then().statusCode(200)
                .body("user", equalTo(eve)).body("online", equalTo(false)).body("connections", equalTo(0))
                .body("lastSeenAt", nullValue()).body("lastConnectedAt", nullValue());

        Instant opened = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        Instant closed = opened.plus(5, ChronoUnit.MINUTES);
        Sources.connection(ConnectionEventTypes.OPENED, event(eve, "c1", opened).opened(null, null, null, null));
        Sources.connection(ConnectionEventTypes.CLOSED, event(eve, "c1", closed).closed(opened, 1000, "bye",
                ConnectionEventTypes.BY_CLIENT));
        await().atMost(Inbox.WAIT).until(() -> closed.equals(instant(presence(eve, eve), "lastDisconnectedAt")));
        JsonPath seen = presence(eve, eve);
        assertEquals(opened, instant(seen, "lastConnectedAt"));
        assertEquals(1000, seen.getInt("lastCloseCode"));
        assertEquals(closed, instant(seen, "lastSeenAt"));
        assertEquals(false, seen.getBoolean("online"));

        // Another instance's older events, delivered late: nothing moves back. A newer event of the other kind
        // marks when each was handled (one user's events share a partition).
        Sources.connection(ConnectionEventTypes.CLOSED, event(eve, "c0", opened.plusSeconds(60))
                .closed(opened, 4008, "slow consumer", ConnectionEventTypes.BY_SERVER));
        Instant reopened = closed.plusSeconds(60);
        Sources.connection(ConnectionEventTypes.OPENED, event(eve, "c2", reopened).opened(null, null, null, null));
        await().atMost(Inbox.WAIT).until(() -> reopened.equals(instant(presence(eve, eve), "lastConnectedAt")));
        seen = presence(eve, eve);
        assertEquals(closed, instant(seen, "lastDisconnectedAt"));
        assertEquals(1000, seen.getInt("lastCloseCode"), "the latest close's code");

        Sources.connection(ConnectionEventTypes.OPENED, event(eve, "c0", opened.minusSeconds(3600))
                .opened(null, null, null, null));
        Instant closedAgain = reopened.plusSeconds(60);
        Sources.connection(ConnectionEventTypes.CLOSED, event(eve, "c2", closedAgain).closed(reopened, 4001,
                "authentication expired", ConnectionEventTypes.BY_SERVER));
        await().atMost(Inbox.WAIT).until(() -> closedAgain.equals(instant(presence(eve, eve), "lastDisconnectedAt")));
        seen = presence(eve, eve);
        assertEquals(reopened, instant(seen, "lastConnectedAt"));
        assertEquals(4001, seen.getInt("lastCloseCode"));

        // Online now comes from the edge's presence announcements, on any instance.
        Sources.presence(eve, 2);
        await().atMost(Inbox.WAIT).until(() -> presence(eve, eve).getBoolean("online"));
        seen = presence(eve, eve);
        assertEquals(2, seen.getInt("connections"));
        assertTrue(!instant(seen, "lastSeenAt").isBefore(closedAgain), seen.prettify());
        Sources.presence(eve, 0);
        await().atMost(Inbox.WAIT).until(() -> !presence(eve, eve).getBoolean("online"));
    }

    @Test
    void onlyTheUserAndServicesMayAsk() {
        String fay = Sources.user("fay");
        String path = "/api/users/" + fay + "/presence";
        Sources.as(Sources.user("mallory")).get(path).then().statusCode(404)
                .contentType("application/problem+json");
        Sources.as("billing", "service").get(path).then().statusCode(200).body("user", equalTo(fay));
        Sources.as(fay).get(path).then().statusCode(200);
        Sources.as(fay).get("/api/users/not a user/presence").then().statusCode(404);
        io.restassured.RestAssured.get(path).then().statusCode(401);
    }

    private static ConnectionEvent event(String user, String connection, Instant at) {
        return ConnectionEvent.of(connection, user, "edge-test", at);
    }

    private static JsonPath presence(String caller, String user) {
        return Sources.as(caller).get("/api/users/" + user + "/presence").then().statusCode(200).extract().jsonPath();
    }

    private static Instant instant(JsonPath json, String field) {
        String value = json.getString(field);
        return value == null ? null : Instant.parse(value);
    }
}
