package dev.realtime.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.history.RoomEvent;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.rooms.RoomKind;
import dev.realtime.testkit.CorsChecks;
import dev.realtime.testkit.HistoryReaderChecks;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.Tokens;
import dev.realtime.testkit.TopicReader;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ChatApiTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theDemoOriginMayCallTheApiFromABrowserAndOtherOriginsMayNot() {
        CorsChecks.demoOriginAllowedOthersRefused("/api/conversations");
    }

    @Test
    void aPostedMessageIsStoredAndPublishedAsMessageNewWithItsSeq() {
        String conversation = createConversation("alice", "bob");
        String messageId = post("alice", conversation, Map.of("text", "Hello @bob"))
                .statusCode(201)
                .body("seq", equalTo(2))
                .body("authorId", equalTo("alice"))
                .body("text", equalTo("Hello @bob"))
                .extract().path("id");

        try (TopicReader reader = TopicReader.of(Topics.CHAT_EVENTS)) {
            List<ConsumerRecord<String, byte[]>> records = reader.awaitRecords(
                    r -> ("conversation:" + conversation).equals(r.key()), 2, WAIT);
            IntegrationEvent created = CloudEventCodec.fromRecord(records.get(0));
            IntegrationEvent posted = CloudEventCodec.fromRecord(records.get(1));
            assertEquals("chat.conversation.created.v1", created.type());
            assertEquals(1L, created.seq());
            assertEquals("chat.message.new.v1", posted.type());
            assertEquals(2L, posted.seq());
            assertEquals("alice", posted.actor());
            MessageNew data = posted.dataAs(MessageNew.class);
            assertEquals(messageId, data.messageId());
            assertEquals("Hello @bob", data.text());
        }
        given().auth().oauth2(Tokens.accessToken("bob"))
                .get("/api/conversations/{id}/messages", conversation)
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].id", equalTo(messageId));
    }

    @Test
    void creatingAConversationGrantsEveryParticipantTheRoom() {
        String conversation = createConversation("alice", "bob", "carol");
        try (TopicReader reader = TopicReader.of(Topics.MEMBERSHIPS)) {
            List<String> keys = reader.awaitRecords(r -> r.key().startsWith("conversation:" + conversation + "|"), 3, WAIT)
                    .stream().map(ConsumerRecord::key).sorted().toList();
            assertEquals(List.of(Membership.key(dev.realtime.contracts.rooms.Room.conversation(conversation), "alice"),
                    "conversation:" + conversation + "|bob", "conversation:" + conversation + "|carol"), keys);
        }
    }

    @Test
    void aRetriedPostWithTheSameClientMessageIdReturnsTheFirstMessage() {
        String conversation = createConversation("alice", "bob");
        Map<String, Object> body = Map.of("text", "only once", "clientMessageId", "c-1");
        String first = post("alice", conversation, body).statusCode(201).extract().path("id");
        String retry = post("alice", conversation, body).statusCode(200).extract().path("id");
        assertEquals(first, retry);
        given().auth().oauth2(Tokens.accessToken("alice"))
                .get("/api/conversations/{id}/messages", conversation)
                .then().statusCode(200).body("items", hasSize(1));
    }

    @Test
    void aNonParticipantGetsTheSame404AsForAConversationThatDoesNotExist() {
        String conversation = createConversation("alice", "bob");
        String unknown = UUID.randomUUID().toString();
        for (String id : List.of(conversation, unknown, "not%20an%20id")) {
            post("mallory", id, Map.of("text", "let me in")).statusCode(404)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("No such conversation."));
            given().auth().oauth2(Tokens.accessToken("mallory")).get("/api/conversations/{id}", id)
                    .then().statusCode(404).contentType("application/problem+json");
            given().auth().oauth2(Tokens.accessToken("mallory")).get("/api/conversations/{id}/events", id)
                    .then().statusCode(404).contentType("application/problem+json");
        }
        given().auth().oauth2(Tokens.accessToken("alice"))
                .get("/api/conversations/{id}/messages", conversation)
                .then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void badInputGets400ProblemJsonNamingTheFieldAndStoresNothing() {
        String conversation = createConversation("alice", "bob");
        post("alice", conversation, Map.of("text", "")).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("text"));
        post("alice", conversation, Map.of("text", "x".repeat(4001))).statusCode(400)
                .body("errors.field", hasItem("text"));
        post("alice", conversation, Map.of("text", List.of("not", "a", "string"))).statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("text"));
        post("alice", conversation, Map.of("text", "ok", "clientMessageId", "has spaces")).statusCode(400)
                .body("errors.field", hasItem("clientMessageId"));
        given().auth().oauth2(Tokens.accessToken("alice")).contentType(ContentType.JSON).body("{not json")
                .post("/api/conversations/{id}/messages", conversation)
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(Tokens.accessToken("alice")).contentType(ContentType.JSON)
                .body(Map.of("title", "t", "participants", List.of("has space")))
                .post("/api/conversations").then().statusCode(400)
                .body("detail", containsString("participants"));
        given().auth().oauth2(Tokens.accessToken("alice"))
                .get("/api/conversations/{id}/messages", conversation)
                .then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void theEventsAfterASeqServeTheResumeOfTheRoom() {
        String conversation = createConversation("alice", "bob");
        for (int i = 1; i <= 5; i++) {
            post("bob", conversation, Map.of("text", "m" + i)).statusCode(201);
        }
        // At the path the edge reads it from, in the type the edge reads it as.
        byte[] body = given().auth().oauth2(Tokens.accessToken("alice"))
                .queryParam(RoomEventPage.AFTER, 3).queryParam(RoomEventPage.LIMIT, 2)
                .get(RoomKind.CONVERSATION.historyPath(conversation).orElseThrow())
                .then().statusCode(200)
                .body("items.seq", equalTo(List.of(4, 5)))
                .body("items[0].event", equalTo("message:new"))
                .body("items[0].room", equalTo("conversation:" + conversation))
                .body("items[0].data.text", equalTo("m3"))
                .body("lastSeq", equalTo(5))
                .body("hasMore", equalTo(true))
                .body("head", equalTo(6))
                .extract().asByteArray();
        RoomEventPage page = Json.read(body, RoomEventPage.class);
        assertEquals(List.of(4L, 5L), page.items().stream().map(RoomEvent::seq).toList());
        assertEquals("message:new", page.items().get(0).event());
        assertEquals(5, page.lastSeq());
        assertEquals(6L, page.head());
    }

    @Test
    void aHistoryReaderReadsTheEventsForAParticipantOnly() {
        String conversation = createConversation("alice", "bob");
        post("bob", conversation, Map.of("text", "hello")).statusCode(201);
        HistoryReaderChecks.onlyAHistoryReaderReadsForAMember(
                RoomKind.CONVERSATION.historyPath(conversation).orElseThrow(), "alice", "mallory");
    }

    @Test
    void requestsWithoutAValidTokenAre401() {
        given().contentType(ContentType.JSON).body(Map.of("title", "x")).post("/api/conversations")
                .then().statusCode(401);
        given().auth().oauth2("not-a-jwt").get("/api/conversations/x").then().statusCode(401);
    }

    static String createConversation(String owner, String... others) {
        return given().auth().oauth2(Tokens.accessToken(owner)).contentType(ContentType.JSON)
                .body(Map.of("title", "Test " + owner, "participants", List.of(others)))
                .post("/api/conversations")
                .then().statusCode(201)
                .body("participants.userId", hasItem(owner))
                .extract().path("id");
    }

    static ValidatableResponse post(String user, String conversation, Map<String, ?> body) {
        return given().auth().oauth2(Tokens.accessToken(user)).contentType(ContentType.JSON).body(body)
                .post("/api/conversations/{id}/messages", conversation).then();
    }
}
