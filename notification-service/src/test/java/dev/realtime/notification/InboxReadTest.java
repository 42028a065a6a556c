package dev.realtime.notification;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.notification.NotificationNew;
import dev.realtime.contracts.notification.NotificationRead;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Unread counts across read actions, the live events of the user room, idempotent consumption, resume, cursors. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class InboxReadTest {

    @Test
    void unreadCountFollowsMarkOneMarkUpToAndMarkAllAndEveryTabSeesItLive() throws Exception {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Counts", alice, List.of(alice, bob), null);
        for (int i = 1; i <= 4; i++) {
            Sources.messageNew(Sources.message(conversation, alice, "message " + i, List.of()));
        }
        List<Map<String, Object>> items = Inbox.awaitItems(bob, 5);
        assertEquals(5L, Inbox.unread(bob));
        Instant cut = Instant.parse((String) items.get(1).get("createdAt"));
        Thread.sleep(5); // the next notification gets a later time than the cut
        Sources.messageNew(Sources.message(conversation, alice, "message 5", List.of()));
        items = Inbox.awaitItems(bob, 6);
        assertEquals(6L, Inbox.unread(bob));

        String newest = (String) items.get(0).get("id");
        Sources.as(bob).post("/api/notifications/{id}/read", newest).then().statusCode(200)
                .body("marked", equalTo(1)).body("unreadCount", equalTo(5));
        // marking it again changes nothing
        Sources.as(bob).post("/api/notifications/{id}/read", newest).then().statusCode(200)
                .body("marked", equalTo(0)).body("unreadCount", equalTo(5));
        Sources.as(bob).get("/api/notifications/{id}", newest).then().statusCode(200).body("read", equalTo(true));

        // up to the third newest: the added notice and messages 1..3 (4 unread) become read
        Sources.as(bob).body(Map.of("upTo", cut.toString())).post("/api/notifications/read").then().statusCode(200)
                .body("marked", equalTo(4)).body("unreadCount", equalTo(1));
        Sources.as(bob).get("/api/notifications?filter=unread").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].body", equalTo("message 4")).body("unreadCount", equalTo(1));

        Sources.as(bob).post("/api/notifications/read-all").then().statusCode(200)
                .body("marked", equalTo(1)).body("unreadCount", equalTo(0));
        assertEquals(0L, Inbox.unread(bob));
        Sources.as(bob).get("/api/notifications?filter=unread").then().statusCode(200).body("items", hasSize(0));

        // what every open tab of bob receives on user:bob, in seq order with the count after each event
        try (TopicReader reader = TopicReader.of(Topics.NOTIFICATION_EVENTS)) {
            List<IntegrationEvent> events = reader.awaitRecords(r -> ("user:" + bob).equals(r.key()), 9, Inbox.WAIT)
                    .stream().map(CloudEventCodec::fromRecord).toList();
            for (int i = 0; i < events.size(); i++) {
                assertEquals(i + 1, events.get(i).seq());
            }
            List<Long> newCounts = events.subList(0, 6).stream()
                    .map(e -> e.dataAs(NotificationNew.class).unreadCount()).toList();
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), newCounts);
            assertEquals("notification.notification.new.v1", events.get(5).type());
            List<IntegrationEvent> reads = events.subList(6, 9);
            reads.forEach(e -> assertEquals("notification.notification.read.v1", e.type()));
            assertEquals(List.of(5L, 1L, 0L), reads.stream().map(e -> e.dataAs(NotificationRead.class).unreadCount()).toList());
            assertEquals(List.of(newest), reads.get(0).dataAs(NotificationRead.class).notificationIds());
            assertEquals(true, reads.get(2).dataAs(NotificationRead.class).all());
        }
    }

    @Test
    void aRedeliveredSourceEventNeverCreatesASecondNotification() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String conversation = Sources.id();
        String created = java.util.UUID.randomUUID().toString();
        Sources.send(Topics.CHAT_EVENTS, created, dev.realtime.contracts.chat.ChatEventTypes.CONVERSATION_CREATED,
                dev.realtime.contracts.rooms.Room.conversation(conversation), 1L, alice,
                new dev.realtime.contracts.chat.ConversationCreated(conversation, "Twice", alice, List.of(alice, bob),
                        null, false, Instant.now()));
        var message = Sources.message(conversation, alice, "once only", List.of());
        String eventId = java.util.UUID.randomUUID().toString();
        Sources.messageNew(eventId, message);
        Sources.messageNew(eventId, message);
        Sources.send(Topics.CHAT_EVENTS, created, dev.realtime.contracts.chat.ChatEventTypes.CONVERSATION_CREATED,
                dev.realtime.contracts.rooms.Room.conversation(conversation), 1L, alice,
                new dev.realtime.contracts.chat.ConversationCreated(conversation, "Twice", alice, List.of(alice, bob),
                        null, false, Instant.now()));
        // a marker after the copies: once it is in, the copies have been consumed
        Sources.messageNew(Sources.message(conversation, alice, "marker", List.of()));
        List<Map<String, Object>> items = Inbox.awaitItems(bob, 3);
        Inbox.staysAt(bob, 3, Duration.ofSeconds(2));
        assertEquals(List.of("marker", "once only"), items.subList(0, 2).stream().map(i -> i.get("body")).toList());
        assertEquals(3L, Inbox.unread(bob));
    }

    @Test
    void theInboxPagesByCursorNewestFirst() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Pages", alice, List.of(alice, bob), null);
        for (int i = 1; i <= 4; i++) {
            Sources.messageNew(Sources.message(conversation, alice, "m" + i, List.of()));
        }
        Inbox.awaitItems(bob, 5);
        var first = Sources.as(bob).get("/api/notifications?limit=2").then().statusCode(200)
                .body("items", hasSize(2)).body("items[0].body", equalTo("m4")).body("items[1].body", equalTo("m3"))
                .extract().jsonPath();
        long next = first.getLong("next");
        var second = Sources.as(bob).get("/api/notifications?limit=2&before=" + next).then().statusCode(200)
                .body("items", hasSize(2)).body("items[0].body", equalTo("m2")).body("items[1].body", equalTo("m1"))
                .extract().jsonPath();
        Sources.as(bob).get("/api/notifications?limit=2&before=" + second.getLong("next")).then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].type", equalTo("conversation:added"))
                .body("next", equalTo(null));
    }

    @Test
    void theResumeEndpointServesMyInboxEventsAfterASeq() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Resume", alice, List.of(alice, bob), null);
        Sources.messageNew(Sources.message(conversation, alice, "one", List.of()));
        Sources.messageNew(Sources.message(conversation, alice, "two", List.of()));
        Inbox.awaitItems(bob, 3);
        Sources.as(bob).post("/api/notifications/read-all").then().statusCode(200);

        var page = Sources.as(bob).get("/api/users/{sub}/events?after=1", bob).then().statusCode(200)
                .body("items", hasSize(3)).body("lastSeq", equalTo(4)).body("hasMore", equalTo(false))
                .extract().jsonPath();
        assertEquals(List.of(2, 3, 4), page.getList("items.seq"));
        assertEquals(List.of("notification:new", "notification:new", "notification:read"), page.getList("items.event"));
        assertEquals("user:" + bob, page.getString("items[0].room"));
        assertEquals("one", page.getString("items[0].data.body"));
        assertEquals(0, page.getInt("items[2].data.unreadCount"));
        Sources.as(bob).get("/api/users/{sub}/events?after=0&limit=2", bob).then().statusCode(200)
                .body("items", hasSize(2)).body("lastSeq", equalTo(2)).body("hasMore", equalTo(true))
                .body("items[0].data.type", equalTo("conversation:added"));
    }
}
