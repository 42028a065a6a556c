package dev.realtime.notification;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.rooms.RoomKind;
import dev.realtime.testkit.CorsChecks;
import dev.realtime.testkit.HistoryReaderChecks;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** A user reads and changes only their own inbox and preferences; bad input is refused naming the field. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class AuthorizationAndValidationTest {

    @Test
    void theDemoOriginMayCallTheApiFromABrowserAndOtherOriginsMayNot() {
        CorsChecks.demoOriginAllowedOthersRefused("/api/notifications");
    }

    @Test
    void anotherUsersNotificationIsNotFoundAndStaysUnread() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String mallory = Sources.user("mallory");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Secret plans", alice, List.of(alice, bob), null);
        String id = (String) Inbox.awaitItems(bob, 1).get(0).get("id");

        Sources.as(mallory).get("/api/notifications/{id}", id).then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo("/problems/not-found"));
        Sources.as(mallory).post("/api/notifications/{id}/read", id).then().statusCode(404)
                .contentType("application/problem+json");
        Sources.as(mallory).get("/api/notifications/{id}", "not-a-uuid").then().statusCode(404);
        Sources.as(mallory).get("/api/users/{sub}/events", bob).then().statusCode(404)
                .contentType("application/problem+json");
        // mallory's own inbox does not show it, and mallory's read-all does not touch bob's
        Sources.as(mallory).post("/api/notifications/read-all").then().statusCode(200).body("marked", equalTo(0));
        Sources.as(mallory).get("/api/notifications").then().statusCode(200).body("items", hasSize(0));
        Sources.as(bob).get("/api/notifications/{id}", id).then().statusCode(200)
                .body("read", equalTo(false)).body("title", equalTo("You were added to Secret plans"));
        Sources.as(bob).get("/api/notifications/unread-count").then().statusCode(200).body("unreadCount", equalTo(1));
        // bob's own events page: the edge's resume source for user:bob, with the stream's head.
        // At the path the edge reads it from, in the type the edge reads it as.
        String body = Sources.as(bob).queryParam(RoomEventPage.AFTER, 0)
                .get(RoomKind.USER.historyPath(bob).orElseThrow()).then().statusCode(200).extract().asString();
        RoomEventPage page = Json.read(body.getBytes(StandardCharsets.UTF_8), RoomEventPage.class);
        assertTrue(page.head() != null && page.head() >= 1, body);
        assertEquals(page.lastSeq(), page.head(), body);
        assertFalse(page.hasMore());
        assertEquals("notification:new", page.items().get(page.items().size() - 1).event(), body);
        HistoryReaderChecks.onlyAHistoryReaderReadsForAMember(RoomKind.USER.historyPath(bob).orElseThrow(), bob,
                mallory);
        // The inbox's path names the user: a reader naming, there and in the header, one no token could be.
        String notAUser = "not a user:id";
        given().auth().oauth2(Tokens.accessToken(HistoryReaderChecks.READER, RoomEventPage.READER_ROLE))
                .header(RoomEventPage.ON_BEHALF_OF, notAUser).get(RoomKind.USER.historyPath(notAUser).orElseThrow())
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void withoutATokenEverythingIs401() {
        given().get("/api/notifications").then().statusCode(401);
        given().get("/api/notifications/unread-count").then().statusCode(401);
        given().get("/api/notifications/preferences").then().statusCode(401);
        given().get("/api/users/anyone/events").then().statusCode(401);
    }

    @Test
    void badQueryParametersAre400NamingTheField() {
        String user = Sources.user("nina");
        Sources.as(user).get("/api/notifications?limit=0").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("limit"));
        Sources.as(user).get("/api/notifications?filter=some").then().statusCode(400)
                .body("errors[0].field", equalTo("filter"));
        Sources.as(user).get("/api/notifications?before=0").then().statusCode(400)
                .body("errors[0].field", equalTo("before"));
        Sources.as(user).get("/api/users/{sub}/events?after=-1", user).then().statusCode(400)
                .body("errors[0].field", equalTo("after"));
        Sources.as(user).body(Map.of()).post("/api/notifications/read").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("upTo"));
        Sources.as(user).body(Map.of("upTo", "yesterday")).post("/api/notifications/read").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("upTo"));
    }

    @Test
    void badPreferencesAre400NamingTheFieldAndNothingIsStored() {
        String user = Sources.user("olga");
        Map<String, Object> good = Map.of("emailEnabled", false, "mutedTypes", List.of("message"),
                "mutedConversations", List.of("c-1"), "mutedProjects", List.of("p-1"),
                "quietHours", Map.of("start", "22:00", "end", "07:00", "timeZone", "Europe/Paris"));
        Sources.as(user).body(good).put("/api/notifications/preferences").then().statusCode(200)
                .body("quietHours.timeZone", equalTo("Europe/Paris"));

        Sources.as(user).body(Map.of("emailEnabled", true, "mutedTypes", List.of("Not A Type")))
                .put("/api/notifications/preferences").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("mutedTypes[0].<list element>"));
        Sources.as(user).body(Map.of("emailEnabled", true, "quietHours",
                        Map.of("start", "25:00", "end", "07:00", "timeZone", "Europe/Paris")))
                .put("/api/notifications/preferences").then().statusCode(400)
                .body("errors[0].field", equalTo("quietHours.start"));
        Sources.as(user).body(Map.of("emailEnabled", true, "quietHours",
                        Map.of("start", "22:00", "end", "07:00", "timeZone", "Mars/Olympus")))
                .put("/api/notifications/preferences").then().statusCode(400)
                .body("errors[0].field", equalTo("quietHours.timeZone"));
        Sources.as(user).body(Map.of("mutedTypes", List.of())).put("/api/notifications/preferences").then()
                .statusCode(400).body("errors[0].field", equalTo("emailEnabled"));
        Sources.as(user).body("{\"emailEnabled\": \"sometimes\"}").put("/api/notifications/preferences").then()
                .statusCode(400).body("errors[0].field", equalTo("emailEnabled"));
        Sources.as(user).body("not json").put("/api/notifications/preferences").then().statusCode(400)
                .contentType("application/problem+json");

        // the refused requests stored nothing: the first preferences stand
        Sources.as(user).get("/api/notifications/preferences").then().statusCode(200)
                .body("emailEnabled", equalTo(false)).body("mutedTypes", equalTo(List.of("message")))
                .body("quietHours.start", equalTo("22:00"));
        // and they are olga's alone
        Sources.as(Sources.user("pete")).get("/api/notifications/preferences").then().statusCode(200)
                .body("emailEnabled", equalTo(true)).body("mutedTypes", hasSize(0));
    }

    @Test
    void aBadRecordIsSkippedAndTheNextOneIsHandled() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String conversation = Sources.id();
        Sources.sendRecord(new ProducerRecord<>(Topics.CHAT_EVENTS, "conversation:" + conversation,
                "not a cloud event".getBytes()));
        Sources.send(Topics.CHAT_EVENTS, dev.realtime.contracts.chat.ChatEventTypes.MESSAGE_NEW,
                dev.realtime.contracts.rooms.Room.conversation(conversation), 1L, alice, Map.of("text", List.of(1, 2)));
        Sources.send(Topics.RECORDS_EVENTS, dev.realtime.contracts.records.RecordEventTypes.NOTIFICATION_REQUESTED,
                dev.realtime.contracts.rooms.Room.user(bob), null, alice, Map.of("audience", Map.of("users", List.of(bob)),
                        "type", "Bad Type", "title", "x"));
        Sources.conversationCreated(conversation, "After the bad ones " + Instant.now(), alice, List.of(alice, bob), null);
        Inbox.awaitItems(bob, 1);
        Inbox.staysAt(bob, 1, java.time.Duration.ofSeconds(2));
    }
}
