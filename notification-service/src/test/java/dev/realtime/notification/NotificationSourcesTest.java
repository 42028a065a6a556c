package dev.realtime.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.notification.NotificationNew;
import dev.realtime.contracts.records.Audience;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each source of notifications, and muting, as the recipient sees it through REST. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class NotificationSourcesTest {
    static final Duration QUIET = Duration.ofSeconds(3);

    @Test
    void aNewMessageNotifiesEveryMemberButItsAuthor() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String carol = Sources.user("carol");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Release planning", alice, List.of(alice, bob, carol), null);
        var message = Sources.message(conversation, alice, "Shipping on Friday", List.of());
        String eventId = Sources.messageNew(message);

        for (String member : List.of(bob, carol)) {
            List<Map<String, Object>> items = Inbox.awaitItems(member, 2);
            Map<String, Object> newest = items.get(0);
            assertEquals("message", newest.get("type"));
            assertEquals(alice.toUpperCase() + " in Release planning", newest.get("title"));
            assertEquals("Shipping on Friday", newest.get("body"));
            assertEquals(alice, ((Map<?, ?>) newest.get("actor")).get("id"));
            assertEquals("/conversations/" + conversation + "?message=" + message.messageId(),
                    ((Map<?, ?>) newest.get("target")).get("link"));
            assertEquals(eventId, newest.get("sourceEventId"));
            assertEquals(false, newest.get("read"));
            assertEquals("conversation:added", items.get(1).get("type"));
            assertEquals(2L, Inbox.unread(member));
        }
        Inbox.staysAt(alice, 0, QUIET);
    }

    @Test
    void eachNotificationContinuesTheTraceOfTheEventThatCausedIt() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String carol = Sources.user("carol");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Traced", alice, List.of(alice, bob, carol), null);
        TraceParent trace = TraceParent.random();
        String eventId = Sources.messageNew(Sources.id(), Sources.message(conversation, alice, "traced", List.of()), trace);

        try (TopicReader reader = TopicReader.of(Topics.NOTIFICATION_EVENTS)) {
            for (String member : List.of(bob, carol)) {
                IntegrationEvent notified = reader.awaitRecords(record -> ("user:" + member).equals(record.key())
                                && CloudEventCodec.fromRecord(record).dataAs(NotificationNew.class).sourceEventId()
                                        .equals(eventId), 1, Duration.ofSeconds(30)).stream()
                        .map(CloudEventCodec::fromRecord).findFirst().orElseThrow();
                assertEquals(trace.traceId(), notified.trace().traceId(), member);
            }
        }
        List<String> traceIds = Sources.as(bob).get("/api/users/{user}/events", bob).then().statusCode(200)
                .extract().path("items.traceId");
        assertTrue(traceIds.contains(trace.traceId()), traceIds.toString());
    }

    @Test
    void aMentionIsAMentionAndReachesMeEvenInAMutedConversationUnlessMentionsAreMuted() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String carol = Sources.user("carol");
        String conversation = Sources.id();
        mute(bob, List.of(), List.of(conversation));
        mute(carol, List.of("mention"), List.of(conversation));
        Sources.conversationCreated(conversation, "Noisy", alice, List.of(alice, bob, carol), null);
        Sources.messageNew(Sources.message(conversation, alice, "chatter", List.of()));
        Sources.messageNew(Sources.message(conversation, alice, "@bob @carol look", List.of(bob, carol)));

        List<Map<String, Object>> bobs = Inbox.awaitItems(bob, 2);
        assertEquals("mention", bobs.get(0).get("type"));
        assertEquals(alice.toUpperCase() + " mentioned you in Noisy", bobs.get(0).get("title"));
        assertEquals("conversation:added", bobs.get(1).get("type"));
        Inbox.staysAt(bob, 2, QUIET);
        // carol muted the conversation and mentions: only being added reaches her
        assertEquals(List.of("conversation:added"), Inbox.items(carol).stream().map(i -> i.get("type")).toList());
    }

    @Test
    void mutingATypeOrAProjectSilencesMessages() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String carol = Sources.user("carol");
        String project = Sources.id();
        String conversation = Sources.id();
        mute(bob, List.of("message"), List.of());
        Sources.as(carol).body(Map.of("emailEnabled", true, "mutedProjects", List.of(project)))
                .put("/api/notifications/preferences").then().statusCode(200);
        Sources.conversationCreated(conversation, "Project room", alice, List.of(alice, bob, carol), project);
        Sources.messageNew(Sources.message(conversation, alice, "hello", List.of()));
        Inbox.awaitItems(bob, 1);
        Inbox.awaitItems(carol, 1);
        Inbox.staysAt(bob, 1, QUIET);
        Inbox.staysAt(carol, 1, Duration.ofSeconds(1));
        assertEquals("conversation:added", Inbox.items(bob).get(0).get("type"));
    }

    @Test
    void beingAddedOrRemovedBySomeoneElseNotifiesButLeavingOnMyOwnDoesNot() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Design", alice, List.of(alice), null);
        Sources.participantAdded(conversation, bob, alice);
        assertEquals("You were added to Design", Inbox.awaitItems(bob, 1).get(0).get("title"));
        Sources.participantRemoved(conversation, bob, alice);
        List<Map<String, Object>> items = Inbox.awaitItems(bob, 2);
        assertEquals("conversation:removed", items.get(0).get("type"));
        assertEquals("You were removed from Design", items.get(0).get("title"));

        Sources.participantAdded(conversation, bob, alice);
        Inbox.awaitItems(bob, 3);
        Sources.participantRemoved(conversation, bob, bob);
        // bob left himself: nothing new; and a message after he left does not reach him
        Sources.messageNew(Sources.message(conversation, alice, "after bob left", List.of()));
        Inbox.staysAt(bob, 3, QUIET);
    }

    @Test
    void projectMembershipChangesByOthersNotify() {
        String owner = Sources.user("owner");
        String dana = Sources.user("dana");
        String project = Sources.id();
        Sources.member(true, project, "Album", dana, owner);
        Map<String, Object> added = Inbox.awaitItems(dana, 1).get(0);
        assertEquals("project:added", added.get("type"));
        assertEquals(owner.toUpperCase() + " added you to Album", added.get("title"));
        assertEquals("/projects/" + project, ((Map<?, ?>) added.get("target")).get("link"));
        Sources.member(false, project, "Album", dana, owner);
        assertEquals("project:removed", Inbox.awaitItems(dana, 2).get(0).get("type"));
        // joining or leaving on one's own is no news to oneself
        Sources.member(true, project, "Album", dana, dana);
        Sources.member(false, project, "Album", dana, dana);
        Inbox.staysAt(dana, 2, QUIET);
    }

    @Test
    void aReplyToMyCommentNotifiesMeButNotWhenIReplyToMyself() {
        String erin = Sources.user("erin");
        String frank = Sources.user("frank");
        String project = Sources.id();
        Sources.commentReply(project, frank, erin, "Agreed, louder drums");
        Map<String, Object> reply = Inbox.awaitItems(erin, 1).get(0);
        assertEquals("comment:reply", reply.get("type"));
        assertEquals(frank.toUpperCase() + " replied to your comment on Mix notes", reply.get("title"));
        assertEquals("Agreed, louder drums", reply.get("body"));
        assertEquals("/projects/" + project + "/comments/cm-1", ((Map<?, ?>) reply.get("target")).get("link"));
        Sources.commentReply(project, erin, erin, "replying to myself");
        Inbox.staysAt(erin, 1, QUIET);
        Inbox.staysAt(frank, 0, Duration.ofMillis(500));
    }

    @Test
    void aRequestAddressedToUsersReachesEachOfThem() {
        String gina = Sources.user("gina");
        String hank = Sources.user("hank");
        Sources.requested(Sources.id(), Audience.ofUsers(gina, hank), "import:finished", "Your import finished");
        for (String user : List.of(gina, hank)) {
            Map<String, Object> item = Inbox.awaitItems(user, 1).get(0);
            assertEquals("import:finished", item.get("type"));
            assertEquals("Your import finished", item.get("title"));
            assertEquals("All 42 rows imported", item.get("body"));
            assertEquals("/imports/imp-1", ((Map<?, ?>) item.get("target")).get("link"));
        }
    }

    @Test
    void aRequestForARoleReachesUsersWithThatRoleWhenTheyNextLookAndNobodyElse() {
        String role = "auditors-" + Sources.id();
        String ivan = Sources.user("ivan");
        String judy = Sources.user("judy");
        // both are known to the service before the request (a broadcast reaches users from when they are known)
        Inbox.items(ivan, role);
        Inbox.items(judy);
        Sources.requested(Sources.id(), Audience.ofRoles(role), "report:ready", "The quarterly report is ready");
        // ivan has the role in his token: the broadcast is taken into his inbox when he lists
        Map<String, Object> item = Inbox.awaitItems(ivan, 1, role).get(0);
        assertEquals("report:ready", item.get("type"));
        assertEquals(1L, Sources.as(ivan, role).get("/api/notifications/unread-count").then().statusCode(200)
                .extract().jsonPath().getLong("unreadCount"));
        // listing again does not take it in twice
        assertEquals(1, Inbox.items(ivan, role).size());
        Inbox.staysAt(judy, 0, Duration.ofSeconds(1));
        // live: notification:new to the role's room, without seq (no owning stream) and without a count
        String second = "The yearly report is ready";
        Sources.requested(Sources.id(), Audience.ofRoles(role), "report:ready", second);
        try (TopicReader reader = TopicReader.of(Topics.NOTIFICATION_EVENTS)) {
            List<IntegrationEvent> live = reader.awaitRecords(r -> ("role:" + role).equals(r.key()), 2, Inbox.WAIT)
                    .stream().map(CloudEventCodec::fromRecord).toList();
            assertEquals("notification.notification.new.v1", live.get(0).type());
            assertNull(live.get(0).seq());
            NotificationNew data = live.get(0).dataAs(NotificationNew.class);
            assertEquals("The quarterly report is ready", data.title());
            assertNull(data.unreadCount());
            assertEquals(item.get("sourceEventId"), data.sourceEventId());
            assertEquals(second, live.get(1).dataAs(NotificationNew.class).title());
        }
        // read-all takes in the second broadcast (never listed) and marks it read with the first
        Sources.as(ivan, role).post("/api/notifications/read-all").then().statusCode(200)
                .body("marked", org.hamcrest.Matchers.equalTo(2)).body("unreadCount", org.hamcrest.Matchers.equalTo(0));
        assertEquals(List.of(second, "The quarterly report is ready"),
                Inbox.items(ivan, role).stream().map(i -> i.get("title")).toList());
    }

    @Test
    void aRequestForEveryoneReachesAnyUser() {
        String kim = Sources.user("kim");
        Inbox.items(kim);
        String title = "Maintenance tonight " + Sources.id();
        Sources.requested(Sources.id(), Audience.everyone(), "maintenance", title);
        org.awaitility.Awaitility.await().atMost(Inbox.WAIT).until(() -> Inbox.items(kim).stream()
                .anyMatch(i -> title.equals(i.get("title"))));
    }

    @Test
    void aMessageToAConversationIDoNotBelongToDoesNotReachMe() {
        String alice = Sources.user("alice");
        String outsider = Sources.user("outsider");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Private", alice, List.of(alice), null);
        Sources.messageNew(Sources.message(conversation, alice, "secret", List.of()));
        Inbox.staysAt(outsider, 0, QUIET);
    }

    static void mute(String user, List<String> types, List<String> conversations) {
        Sources.as(user).body(Map.of("emailEnabled", true, "mutedTypes", types, "mutedConversations", conversations))
                .put("/api/notifications/preferences").then().statusCode(200);
    }
}
