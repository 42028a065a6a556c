package dev.realtime.notification;

import static dev.realtime.testkit.HostileInputs.NOT_JSON;
import static dev.realtime.testkit.HostileInputs.assertInvalidParameter;
import static dev.realtime.testkit.HostileInputs.assertMalformed;
import static dev.realtime.testkit.HostileInputs.assertUnstorable;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.records.RecordEventTypes;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Input the service cannot store or should not guess at is refused, never a 500 nor a stalled consumer: an event
 * whose strings hold U+0000 or an unpaired surrogate is rejected once and the next event is handled; over REST, such
 * text, scalars of the wrong JSON type, trailing garbage, a body that is not JSON and query parameters that do not
 * parse are 400 naming the field or parameter.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class StrictInputTest {

    @Test
    void anEventWithUnstorableTextIsRejectedAndTheNextEventIsStillHandled() {
        String bob = Sources.user("bob");
        // JSON escapes as a producer writes them: NUL in the title, a lone high surrogate in the body, a lone low one
        // in the target's title. Each would fail the insert in PostgreSQL on every retry.
        requested(bob, "Bad \\u0000 title", "body", "Import");
        requested(bob, "Bad body", "half a pair \\ud800", "Import");
        requested(bob, "Bad target", "body", "\\udc00 import");
        requested(bob, "Your import finished", "All rows imported", "Import");

        // the same partition (the room user:bob), in order: once the good one is in, the bad ones were decided
        List<Map<String, Object>> items = Inbox.awaitItems(bob, 1);
        assertEquals(1, items.size());
        assertEquals("Your import finished", items.get(0).get("title"));

        // the same over chat.events: a message whose text holds U+0000, then a good one
        String alice = Sources.user("alice");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Planning", alice, List.of(alice, bob), null);
        Sources.messageNew(Sources.message(conversation, alice, "nul \u0000 inside", List.of()));
        Sources.messageNew(Sources.message(conversation, alice, "Shipping on Friday", List.of()));
        items = Inbox.awaitItems(bob, 3);
        assertEquals(List.of("message", "conversation:added", "import:finished"),
                items.stream().map(item -> item.get("type")).toList());
        assertEquals("Shipping on Friday", items.get(0).get("body"));
        assertEquals(3, Inbox.items(bob).size());
    }

    @Test
    void unstorableTextInABodyIs400NamingTheField() {
        String olga = Sources.user("olga");
        for (String bad : List.of("Europe/Paris\\u0000", "\\ud800", "Europe/\\udc00")) {
            assertUnstorable(Sources.as(olga).body("{\"emailEnabled\":false,\"quietHours\":{\"start\":\"22:00\","
                    + "\"end\":\"07:00\",\"timeZone\":\"" + bad + "\"}}").put("/api/notifications/preferences"),
                    "quietHours.timeZone");
            assertUnstorable(Sources.as(olga).body("{\"emailEnabled\":false,\"mutedTypes\":[\"message\",\"" + bad + "\"]}")
                    .put("/api/notifications/preferences"), "mutedTypes[1]");
        }
        Sources.as(olga).get("/api/notifications/preferences").then().statusCode(200)
                .body("emailEnabled", equalTo(true)).body("mutedTypes", hasSize(0));
    }

    @Test
    void scalarsOfTheWrongTypeTrailingGarbageAndNonJsonAre400MalformedJson() {
        String pete = Sources.user("pete");
        for (String value : List.of("1", "0", "\"false\"", "1.0")) {
            assertMalformed(Sources.as(pete).body("{\"emailEnabled\":" + value + "}").put("/api/notifications/preferences"))
                    .body("errors[0].field", equalTo("emailEnabled"));
        }
        assertMalformed(Sources.as(pete).body("{\"emailEnabled\":false,\"mutedTypes\":[5]}")
                .put("/api/notifications/preferences")).body("errors[0].field", equalTo("mutedTypes[0]"));
        assertMalformed(Sources.as(pete).body("{\"emailEnabled\":false} xyz").put("/api/notifications/preferences"));
        assertMalformed(Sources.as(pete).body(NOT_JSON).put("/api/notifications/preferences"));
        assertMalformed(Sources.as(pete).body(NOT_JSON).post("/api/notifications/read"));

        Sources.as(pete).get("/api/notifications/preferences").then().statusCode(200)
                .body("emailEnabled", equalTo(true));
    }

    @Test
    void queryParametersThatDoNotParseAre400NamingTheParameter() {
        String nina = Sources.user("nina");
        String notALong = "9223372036854775808";
        for (String[] bad : new String[][] {{"before", "1 OR 1=1"}, {"before", notALong}, {"limit", "abc"},
                {"limit", "1.5"}, {"filter", "x"}}) {
            assertInvalidParameter(Sources.as(nina).queryParam(bad[0], bad[1]).get("/api/notifications"), bad[0]);
        }
        assertInvalidParameter(Sources.as(nina).queryParam("after", notALong).get("/api/users/{sub}/events", nina), "after");
        assertInvalidParameter(Sources.as(nina).queryParam("after", "x").get("/api/users/{sub}/events", nina), "after");
        assertInvalidParameter(Sources.as(nina).queryParam("limit", "abc").get("/api/users/{sub}/events", nina), "limit");

        Sources.as(nina).queryParam("limit", "5").queryParam("before", "10").get("/api/notifications").then()
                .statusCode(200);
        Sources.as(nina).queryParam("after", "0").queryParam("limit", "5").get("/api/users/{sub}/events", nina).then()
                .statusCode(200);
    }

    /** A records.events notification request to one user, its strings given as JSON string contents (escapes kept). */
    private static void requested(String user, String title, String body, String targetTitle) {
        String data = "{\"requestId\":\"" + UUID.randomUUID() + "\",\"audience\":{\"users\":[\"" + user + "\"]},"
                + "\"type\":\"import:finished\",\"title\":\"" + title + "\",\"body\":\"" + body + "\","
                + "\"actorId\":\"importer\",\"actorName\":\"Importer\",\"target\":{\"type\":\"import\",\"id\":\"imp-1\","
                + "\"title\":\"" + targetTitle + "\",\"link\":\"/imports/imp-1\"}}";
        IntegrationEvent event = new IntegrationEvent(UUID.randomUUID().toString(), URI.create("/test"),
                RecordEventTypes.NOTIFICATION_REQUESTED.ceType(), OffsetDateTime.now(ZoneOffset.UTC), Room.user(user),
                null, "importer", data.getBytes(UTF_8));
        Sources.sendRecord(CloudEventCodec.toRecord(Topics.RECORDS_EVENTS, event));
    }



}
