package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static dev.realtime.chat.ChatFixtures.atOnce;
import static dev.realtime.chat.ChatFixtures.conversation;
import static dev.realtime.chat.ChatFixtures.post;
import static dev.realtime.chat.ChatFixtures.posted;
import static dev.realtime.chat.ChatFixtures.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.chat.MessageReaction;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.eventstore.projection.ProjectionReplayer;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ChatDomainTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aDirectConversationIsUniquePerPairWhoeverOpensIt() {
        String ana = user("ana");
        String ben = user("ben");
        Map<String, Object> body = Map.of("title", "DM", "participants", List.of(ben), "direct", true);
        String first = as(ana).body(body).post("/api/conversations").then().statusCode(201)
                .body("direct", equalTo(true)).extract().path("id");
        as(ana).body(body).post("/api/conversations").then().statusCode(200).body("id", equalTo(first));
        as(ben).body(Map.of("title", "DM", "participants", List.of(ana), "direct", true))
                .post("/api/conversations").then().statusCode(200).body("id", equalTo(first));
        as(ana).body(Map.of("title", "DM", "participants", List.of(ben, user("cy")), "direct", true))
                .post("/api/conversations").then().statusCode(409).contentType("application/problem+json");
        as(ana).body(Map.of("userId", user("dee"))).post("/api/conversations/{id}/participants", first)
                .then().statusCode(409).body("type", equalTo("/problems/direct-conversation"));
    }

    @Test
    void concurrentDirectOpensOfOnePairCreateOneConversation() throws Exception {
        String ana = user("ana");
        String ben = user("ben");
        List<String> ids = atOnce(List.of(ana, ben, ana, ben, ana, ben), opener -> as(opener)
                .body(Map.of("title", "DM", "participants", List.of(opener.equals(ana) ? ben : ana), "direct", true))
                .post("/api/conversations").then().extract().<String>path("id"));
        String first = ids.get(0);
        for (String id : ids) {
            assertEquals(first, id);
        }
    }

    @Test
    void ownersAndAdminsRenameAndArchiveMembersMayNotAndArchivedConversationsAreReadOnly() {
        String owner = user("owner");
        String member = user("member");
        String id = conversation(owner, member);
        as(member).body(Map.of("title", "Mine now")).patch("/api/conversations/{id}", id)
                .then().statusCode(403).contentType("application/problem+json");
        as(user("stranger")).body(Map.of("title", "x")).patch("/api/conversations/{id}", id).then().statusCode(404);
        as(owner).body(Map.of("title", "Roadmap")).patch("/api/conversations/{id}", id)
                .then().statusCode(200).body("title", equalTo("Roadmap"));
        as(member).post("/api/conversations/{id}/archive", id).then().statusCode(403);
        as(owner).post("/api/conversations/{id}/archive", id).then().statusCode(200).body("archived", equalTo(true));

        post(member, id, "too late").statusCode(409).body("type", equalTo("/problems/conversation-archived"));
        as(member).get("/api/conversations").then().statusCode(200).body("items.id", not(hasItem(id)));
        as(member).queryParam("archived", true).get("/api/conversations").then().body("items.id", hasItem(id));
        as(member).get("/api/conversations/{id}/messages", id).then().statusCode(200);
    }

    @Test
    void participantsAreManagedByOwnersAndAdminsAndEveryChangeReachesTheMembershipTopic() {
        String owner = user("owner");
        String admin = user("admin");
        String member = user("member");
        String newcomer = user("new");
        String id = conversation(owner, member);
        as(member).body(Map.of("userId", newcomer)).post("/api/conversations/{id}/participants", id)
                .then().statusCode(403);
        as(owner).body(Map.of("userId", admin, "role", "admin")).post("/api/conversations/{id}/participants", id)
                .then().statusCode(200).body("participants.userId", hasItem(admin));
        as(admin).body(Map.of("userId", newcomer, "role", "admin")).post("/api/conversations/{id}/participants", id)
                .then().statusCode(403).body("detail", containsString("owner"));
        as(admin).body(Map.of("userId", newcomer)).post("/api/conversations/{id}/participants", id)
                .then().statusCode(200);
        as(admin).body(Map.of("userId", "not a user")).post("/api/conversations/{id}/participants", id)
                .then().statusCode(400).body("errors.field", hasItem("userId"));

        as(member).delete("/api/conversations/{id}/participants/{user}", id, newcomer).then().statusCode(403);
        as(admin).delete("/api/conversations/{id}/participants/{user}", id, owner).then().statusCode(403);
        as(admin).delete("/api/conversations/{id}/participants/{user}", id, newcomer).then().statusCode(204);
        as(newcomer).get("/api/conversations/{id}", id).then().statusCode(404);
        as(member).post("/api/conversations/{id}/leave", id).then().statusCode(204);
        as(member).get("/api/conversations/{id}", id).then().statusCode(404);
        as(owner).post("/api/conversations/{id}/leave", id).then().statusCode(409)
                .body("type", equalTo("/problems/owner-cannot-leave"));
        as(owner).get("/api/conversations/{id}", id).then()
                .body("participants.userId", equalTo(sorted(owner, admin)));

        try (TopicReader reader = TopicReader.of(Topics.MEMBERSHIPS)) {
            String prefix = "conversation:" + id + "|";
            List<ConsumerRecord<String, byte[]>> records = reader.awaitRecords(r -> r.key().startsWith(prefix), 6, WAIT);
            // Keys spread over partitions: Kafka keeps the order per key (per user here), which is what counts.
            Map<String, List<String>> changes = new java.util.TreeMap<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                changes.computeIfAbsent(record.key().substring(prefix.length()), k -> new ArrayList<>())
                        .add(record.value() == null ? "revoked" : "granted");
            }
            assertEquals(Map.of(owner, List.of("granted"), member, List.of("granted", "revoked"),
                    admin, List.of("granted"), newcomer, List.of("granted", "revoked")), changes);
        }
    }

    @Test
    void theOwnerChangesRolesAndHandsTheOwnershipOverBeforeLeaving() {
        String owner = user("owner");
        String admin = user("admin");
        String member = user("member");
        String id = conversation(owner, admin, member);
        String role = "/api/conversations/{id}/participants/{user}/role";
        as(owner).body(Map.of("role", "admin")).put(role, id, admin).then().statusCode(200)
                .body("participants.find { it.userId == '" + admin + "' }.role", equalTo("admin"));
        as(admin).body(Map.of("role", "admin")).put(role, id, member).then().statusCode(403);
        as(member).body(Map.of("role", "owner")).put(role, id, member).then().statusCode(403);
        as(owner).body(Map.of("role", "boss")).put(role, id, member).then().statusCode(400)
                .body("errors.field", hasItem("role"));
        as(owner).body(Map.of("role", "admin")).put(role, id, user("stranger")).then().statusCode(404);
        as(owner).body(Map.of("role", "member")).put(role, id, owner).then().statusCode(409);

        as(owner).body(Map.of("role", "owner")).put(role, id, member).then().statusCode(200)
                .body("myRole", equalTo("admin"))
                .body("participants.find { it.userId == '" + member + "' }.role", equalTo("owner"));
        as(owner).post("/api/conversations/{id}/leave", id).then().statusCode(204);
        as(member).get("/api/conversations/{id}", id).then().body("participants.userId", equalTo(sorted(admin, member)));

        try (TopicReader reader = TopicReader.of(Topics.CHAT_EVENTS)) {
            List<IntegrationEvent> changes = reader.awaitRecords(r -> r.key().equals("conversation:" + id)
                            && "chat.conversation.participant.role-changed.v1".equals(CloudEventCodec.fromRecord(r).type()), 3, WAIT)
                    .stream().map(CloudEventCodec::fromRecord).toList();
            assertEquals(List.of(admin + "=admin", member + "=owner", owner + "=admin"), changes.stream()
                    .map(event -> event.dataAs(dev.realtime.contracts.chat.ParticipantChanged.class))
                    .map(changed -> changed.userId() + "=" + changed.role()).toList());
        }
    }

    @Test
    void onlyTheAuthorEditsAndTheAuthorOrAManagerDeletesLeavingATombstone() {
        String owner = user("owner");
        String alice = user("alice");
        String bob = user("bob");
        String id = conversation(owner, alice, bob);
        String message = posted(alice, id, "first draft");

        as(bob).body(Map.of("text", "hijacked")).patch("/api/conversations/{id}/messages/{m}", id, message)
                .then().statusCode(403);
        as(bob).delete("/api/conversations/{id}/messages/{m}", id, message).then().statusCode(403);
        as(alice).get("/api/conversations/{id}/messages/{m}", id, message).then().body("text", equalTo("first draft"))
                .body("editedAt", nullValue());

        as(alice).body(Map.of("text", "final @" + bob)).patch("/api/conversations/{id}/messages/{m}", id, message)
                .then().statusCode(200).body("text", equalTo("final @" + bob)).body("editedAt", notNullValue())
                .body("mentions", contains(bob));

        String other = posted(bob, id, "to be removed by the owner");
        as(owner).delete("/api/conversations/{id}/messages/{m}", id, other).then().statusCode(204);
        as(alice).delete("/api/conversations/{id}/messages/{m}", id, message).then().statusCode(204);
        as(alice).delete("/api/conversations/{id}/messages/{m}", id, message).then().statusCode(204);
        as(alice).body(Map.of("text", "resurrect")).patch("/api/conversations/{id}/messages/{m}", id, message)
                .then().statusCode(409).body("type", equalTo("/problems/message-deleted"));

        as(bob).get("/api/conversations/{id}/messages", id).then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.deleted", contains(true, true))
                .body("items.text", contains(nullValue(), nullValue()))
                .body("items.authorId", contains(bob, alice));
        as(bob).get("/api/conversations/{id}/messages/{m}", id, "not-a-uuid").then().statusCode(404);
    }

    @Test
    void reactionsAreOnePerUserAndEmojiCountedAndValidated() {
        String alice = user("alice");
        String bob = user("bob");
        String id = conversation(alice, bob);
        String message = posted(alice, id, "ship it?");
        String thumbs = "\uD83D\uDC4D";
        as(alice).put("/api/conversations/{id}/messages/{m}/reactions/{e}", id, message, thumbs).then().statusCode(200);
        as(bob).put("/api/conversations/{id}/messages/{m}/reactions/{e}", id, message, thumbs).then().statusCode(200);
        as(bob).put("/api/conversations/{id}/messages/{m}/reactions/{e}", id, message, thumbs).then().statusCode(200);
        as(bob).put("/api/conversations/{id}/messages/{m}/reactions/{e}", id, message, ":tada:").then()
                .statusCode(200)
                .body("reactions.emoji", contains(thumbs, ":tada:"))
                .body("reactions.count", contains(2, 1))
                .body("reactions.mine", contains(true, true));
        as(alice).delete("/api/conversations/{id}/messages/{m}/reactions/{e}", id, message, thumbs).then()
                .statusCode(200).body("reactions.find { it.emoji == '" + thumbs + "' }.count", equalTo(1));
        for (String bad : List.of("abc", "a b", "::", ":Caps:", "1", thumbs.repeat(11))) {
            as(bob).put("/api/conversations/{id}/messages/{m}/reactions/{e}", id, message, bad).then()
                    .statusCode(400).body("errors.field", hasItem("emoji"));
        }

        try (TopicReader reader = TopicReader.of(Topics.CHAT_EVENTS)) {
            List<IntegrationEvent> reactions = reader.awaitRecords(r -> ("conversation:" + id).equals(r.key()), 6, WAIT)
                    .stream().map(CloudEventCodec::fromRecord)
                    .filter(e -> e.type().equals("chat.message.reaction.v1")).toList();
            assertEquals(List.of("added:1", "added:2", "added:1", "removed:1"), reactions.stream()
                    .map(e -> e.dataAs(MessageReaction.class)).map(r -> r.action() + ":" + r.count()).toList());
        }
    }

    @Test
    void readReceiptsDriveUnreadCountsAndTheConversationListShowsTheLastMessage() {
        String alice = user("alice");
        String bob = user("bob");
        String id = conversation(alice, bob);
        posted(alice, id, "one");
        String two = posted(alice, id, "two");
        posted(alice, id, "three");
        as(bob).get("/api/conversations").then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].id", equalTo(id))
                .body("items[0].unreadCount", equalTo(3))
                .body("items[0].lastMessage.text", equalTo("three"));
        as(alice).get("/api/conversations").then().body("items[0].unreadCount", equalTo(0));

        as(bob).body(Map.of("messageId", two)).post("/api/conversations/{id}/read", id).then().statusCode(200)
                .body("unreadCount", equalTo(1));
        as(bob).get("/api/conversations/{id}", id).then().body("unreadCount", equalTo(1));
        // Read receipts: each participant's newest read message (the author has read their own posts).
        int twoSeq = as(bob).get("/api/conversations/{id}/messages/{m}", id, two).then().extract().path("seq");
        int threeSeq = as(alice).get("/api/conversations/{id}/messages", id).then().extract().path("items[0].seq");
        as(alice).get("/api/conversations/{id}", id).then()
                .body("participants.find { it.userId == '" + bob + "' }.lastReadSeq", equalTo(twoSeq))
                .body("participants.find { it.userId == '" + alice + "' }.lastReadSeq", equalTo(threeSeq));
        // Marking an older message read again changes nothing.
        as(bob).body(Map.of("messageId", two)).post("/api/conversations/{id}/read", id).then().body("unreadCount", equalTo(1));
        as(bob).body(Map.of("messageId", "nope")).post("/api/conversations/{id}/read", id).then().statusCode(400);
    }

    @Test
    void mentionsCarryOnlyParticipants() {
        String alice = user("alice");
        String bob = user("bob");
        String id = conversation(alice, bob);
        post(alice, id, "@" + bob + ", look (cc @nobody-here and mail@" + bob + ")").statusCode(201)
                .body("mentions", contains(bob));
    }

    @Test
    void historyPagesBeforeAndAfterACursor() {
        String alice = user("alice");
        String id = conversation(alice, user("bob"));
        for (int i = 1; i <= 7; i++) {
            posted(alice, id, "m" + i);
        }
        Response newest = as(alice).queryParam("limit", 3).get("/api/conversations/{id}/messages", id);
        newest.then().body("items.text", contains("m7", "m6", "m5"));
        long next = ((Number) newest.path("next")).longValue();
        as(alice).queryParam("limit", 3).queryParam("before", next).get("/api/conversations/{id}/messages", id)
                .then().body("items.text", contains("m4", "m3", "m2"));
        as(alice).queryParam("limit", 3).queryParam("after", 0).get("/api/conversations/{id}/messages", id)
                .then().body("items.text", contains("m1", "m2", "m3"));
        as(alice).queryParam("before", 3).queryParam("after", 1).get("/api/conversations/{id}/messages", id)
                .then().statusCode(400);
        as(alice).queryParam("limit", 0).get("/api/conversations/{id}/messages", id).then().statusCode(400);
    }

    @Inject
    Pool pool;

    /** A post's checks run in its append; when one refuses, the answer is the same as before and nothing is stored. */
    @Test
    void aReplyOutsideTheConversationAndAPostByAFormerParticipantAreRefusedAndStoreNothing() {
        String alice = user("alice");
        String bob = user("bob");
        String id = conversation(alice, bob);
        String elsewhere = posted(alice, conversation(alice), "in another conversation");
        posted(alice, id, "the only message");
        long seq = lastSeq(alice, id);

        as(bob).body(Map.of("text", "a reply", "replyTo", elsewhere)).post("/api/conversations/{id}/messages", id)
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("No such message in this conversation."));
        as(bob).body(Map.of("text", "a reply", "replyTo", UUID.randomUUID().toString()))
                .post("/api/conversations/{id}/messages", id).then().statusCode(404)
                .body("detail", equalTo("No such message in this conversation."));
        assertEquals(seq, lastSeq(alice, id), "a refused reply appends no event");
        as(bob).post("/api/conversations/{id}/leave", id).then().statusCode(204);
        post(bob, id, "after leaving").statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("No such conversation."));
        assertEquals(seq + 1, lastSeq(alice, id), "only the leave was appended");

        as(alice).get("/api/conversations/{id}/messages", id).then().statusCode(200)
                .body("items.text", contains("the only message"));
        post(alice, id, "still open").statusCode(201).body("seq", equalTo((int) seq + 2));
    }

    private static long lastSeq(String user, String conversation) {
        return as(user).get("/api/conversations/{id}/events", conversation).then().statusCode(200)
                .extract().jsonPath().getLong("lastSeq");
    }

    @Inject
    ProjectionReplayer replayer;

    /** Posts are written by PostSql, everything else by ChatProjection: a replay must rebuild the same rows. */
    @Test
    void theRowsOfPostsMatchWhatAReplayOfTheProjectionBuilds() throws Throwable {
        String alice = user("alice");
        String bob = user("bob");
        String id = conversation(alice, bob);
        String first = posted(alice, id, "first, for @" + bob);
        as(bob).body(Map.of("text", "a reply", "replyTo", first)).post("/api/conversations/{id}/messages", id)
                .then().statusCode(201);
        as(bob).body(Map.of("messageId", first)).post("/api/conversations/{id}/read", id).then().statusCode(200);
        // A reply that also mentions: the post's context then checks the reply and lists the participants at once.
        as(alice).body(Map.of("text", "thanks @" + bob, "replyTo", first)).post("/api/conversations/{id}/messages", id)
                .then().statusCode(201).body("replyTo", equalTo(first)).body("mentions", contains(bob));
        posted(alice, id, "plain");

        List<String> written = chatRows(id);
        assertTrue(written.stream().anyMatch(row -> row.contains("\"mentions\":\"[\\\"" + bob + "\\\"]\"")), "mentions are stored: " + written);
        VertxContextSupport.subscribeAndAwait(() -> replayer.rebuild("chat"));
        assertEquals(written, chatRows(id));
    }

    private List<String> chatRows(String conversationId) throws Throwable {
        String sql = "SELECT 'c', row_to_json(c)::text FROM chat_conversations c WHERE id = $1"
                + " UNION ALL SELECT 'p', (SELECT json_agg(p ORDER BY user_id)::text FROM chat_participants p WHERE conversation_id = $1)"
                + " UNION ALL SELECT 'm', (SELECT json_agg(m ORDER BY seq)::text FROM chat_messages m WHERE conversation_id = $1)";
        return VertxContextSupport.subscribeAndAwait(() -> pool.preparedQuery(sql).execute(Tuple.of(conversationId))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(row -> out.add(row.getString(0) + " " + row.getString(1)));
                    return out;
                }));
    }

    @Test
    void concurrentPostsToOneConversationAreAllKeptWithDistinctSeqs() throws Exception {
        String owner = user("owner");
        List<String> posters = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            posters.add(user("p" + i));
        }
        String id = conversation(owner, posters.toArray(String[]::new));
        for (int status : atOnce(posters, poster -> post(poster, id, "hello from " + poster).extract().statusCode())) {
            assertEquals(201, status);
        }
        List<Integer> seqs = as(owner).get("/api/conversations/{id}/messages", id).then()
                .body("items", hasSize(8)).extract().path("items.seq");
        assertEquals(8, seqs.stream().distinct().count());
    }

    /**
     * Many participants posting into one conversation at once: every post loses races for the stream's next
     * version, and each lost race must be read again and retried, never answered with a server error.
     */
    @Test
    void aCrowdPostingIntoOneConversationAtOnceGetsEveryPostStored() throws Exception {
        String owner = user("crowd-owner");
        List<String> posters = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            posters.add(user("crowd" + i));
        }
        String id = conversation(owner, posters.toArray(String[]::new));
        List<String> answers = new ArrayList<>();
        atOnce(posters, poster -> {
            List<String> mine = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                var response = post(poster, id, "crowd " + poster + " " + n).extract();
                mine.add(response.statusCode() + (response.statusCode() == 201 ? "" : " " + response.asString()));
            }
            return mine;
        }).forEach(answers::addAll);
        assertEquals(List.of(), answers.stream().filter(answer -> !answer.equals("201")).toList());
        List<Integer> seqs = as(owner).queryParam("limit", 100).get("/api/conversations/{id}/messages", id).then()
                .body("items", hasSize(72)).extract().path("items.seq");
        assertEquals(72, seqs.stream().distinct().count());
    }

    @Test
    void everyStateChangeIsAnIntegrationEventWithItsLiveNameInTheResumeSource() {
        String alice = user("alice");
        String bob = user("bob");
        String id = conversation(alice, bob);
        String message = posted(alice, id, "hi");
        as(alice).body(Map.of("text", "hi!")).patch("/api/conversations/{id}/messages/{m}", id, message);
        as(bob).put("/api/conversations/{id}/messages/{m}/reactions/{e}", id, message, ":wave:");
        as(bob).body(Map.of("messageId", message)).post("/api/conversations/{id}/read", id);
        as(alice).delete("/api/conversations/{id}/messages/{m}", id, message);
        as(alice).body(Map.of("title", "renamed")).patch("/api/conversations/{id}", id);
        as(alice).body(Map.of("userId", user("carl"))).post("/api/conversations/{id}/participants", id);
        as(alice).delete("/api/conversations/{id}/participants/{u}", id, bob);
        as(alice).post("/api/conversations/{id}/archive", id);

        List<String> expected = List.of("conversation:created", "message:new", "message:edited", "message:reaction",
                "message:read", "message:deleted", "conversation:renamed", "conversation:participant:added",
                "conversation:participant:removed", "conversation:archived");
        as(alice).get("/api/conversations/{id}/events", id).then().statusCode(200)
                .body("items.event", equalTo(expected))
                .body("items.seq", equalTo(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)))
                .body("items.actor", equalTo(List.of(alice, alice, alice, bob, bob, alice, alice, alice, alice, alice)));
        try (TopicReader reader = TopicReader.of(Topics.CHAT_EVENTS)) {
            List<IntegrationEvent> published = reader.awaitRecords(r -> ("conversation:" + id).equals(r.key()), 10, WAIT)
                    .stream().map(CloudEventCodec::fromRecord).toList();
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), published.stream().map(IntegrationEvent::seq).toList());
            assertNull(published.get(5).dataAs(dev.realtime.contracts.chat.MessageChanged.class).text(),
                    "a deleted message's text is not published");
        }
    }

    @Test
    void theApiIsDescribedByOpenApiAndSwaggerUi() {
        given().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/conversations/{id}/messages/{messageId}/reactions/{emoji}"));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void everyEndpointAnswersANonParticipantWith404() {
        String alice = user("alice");
        String id = conversation(alice, user("bob"));
        String message = posted(alice, id, "secret");
        String eve = user("eve");
        List<Response> responses = List.of(
                as(eve).get("/api/conversations/{id}", id),
                as(eve).body(Map.of("title", "x")).patch("/api/conversations/{id}", id),
                as(eve).post("/api/conversations/{id}/archive", id),
                as(eve).body(Map.of("userId", eve)).post("/api/conversations/{id}/participants", id),
                as(eve).post("/api/conversations/{id}/leave", id),
                as(eve).get("/api/conversations/{id}/messages", id),
                as(eve).get("/api/conversations/{id}/messages/{m}", id, message),
                as(eve).body(Map.of("text", "x")).patch("/api/conversations/{id}/messages/{m}", id, message),
                as(eve).delete("/api/conversations/{id}/messages/{m}", id, message),
                as(eve).put("/api/conversations/{id}/messages/{m}/reactions/{e}", id, message, ":eyes:"),
                as(eve).body(Map.of("messageId", message)).post("/api/conversations/{id}/read", id),
                as(eve).get("/api/conversations/{id}/events", id));
        for (Response response : responses) {
            response.then().statusCode(404).contentType("application/problem+json")
                    .body("detail", equalTo("No such conversation."));
        }
        as(eve).get("/api/conversations").then().body("items", empty());
        as(alice).get("/api/conversations/{id}/messages/{m}", id, message).then().body("text", equalTo("secret"));
    }

    private static List<String> sorted(String... users) {
        return java.util.Arrays.stream(users).sorted().toList();
    }

}
