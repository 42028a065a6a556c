package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static dev.realtime.chat.ChatFixtures.conversation;
import static dev.realtime.chat.ChatFixtures.user;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.chat.messaging.ChatIntegrationMapper;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.relay.RelayService;
import dev.realtime.testkit.KafkaBroker;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.Tokens;
import dev.realtime.testkit.TopicReader;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The membership topic is derived from the event store: an emptied or damaged topic gets every current participant of
 * every conversation back, and no removed one, without touching the database (docs/event-store.md).
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class MembershipRepublishTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String PATH = "/api/admin/republish/memberships";

    @Inject
    RelayService relay;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aRecreatedTopicGetsEveryCurrentParticipantBackWhenTheRelayStarts() throws Exception {
        String owner = user("owner");
        String member = user("member");
        String gone = user("gone");
        String first = conversation(owner, member, gone);
        String second = conversation(member, owner);
        as(owner).delete("/api/conversations/{id}/participants/{user}", first, gone).then().statusCode(204);
        as(member).body(Map.of("role", "admin")).put("/api/conversations/{id}/participants/{user}/role", second, owner)
                .then().statusCode(200);
        Map<String, String> expected = Map.of(
                key(first, owner), "owner", key(first, member), "member",
                key(second, member), "owner", key(second, owner), "admin");
        // Published live first, so the relay's checkpoint is past every one of these changes.
        awaitMemberships(first, second, expected);

        relay.stop();
        try {
            KafkaBroker.recreateTopic(Topics.MEMBERSHIPS,
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            assertEquals(Map.of(), memberships(first, second), "the recreated topic starts empty");
        } finally {
            relay.start();
        }

        awaitMemberships(first, second, expected);
        given().auth().oauth2(Tokens.accessToken("ops", "operator")).get(PATH).then().statusCode(200)
                .body("last.reason", containsString("recreated"));
    }

    @Test
    void anOperatorsRequestRestoresALostGrantAndRemovesAStrayOne() throws Exception {
        String owner = user("owner");
        String member = user("member");
        String gone = user("gone");
        String id = conversation(owner, member, gone);
        as(owner).delete("/api/conversations/{id}/participants/{user}", id, gone).then().statusCode(204);
        Map<String, String> expected = Map.of(key(id, owner), "owner", key(id, member), "member");
        awaitMemberships(id, id, expected);

        // Damage the topic the way lost records would: the member's grant is gone, the removed user's is back.
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", KafkaBroker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MEMBERSHIPS, key(id, member), null)).get();
            producer.send(ChatIntegrationMapper.grant(Room.conversation(id), gone, "member", null)).get();
        }
        assertEquals(Map.of(key(id, owner), "owner", key(id, gone), "member"), memberships(id, id));

        String operator = Tokens.accessToken("ops", "operator");
        given().auth().oauth2(Tokens.accessToken(owner)).post(PATH).then().statusCode(403);
        given().auth().oauth2(operator).post("/api/admin/republish/nothing").then().statusCode(404)
                .contentType("application/problem+json");
        long request = given().auth().oauth2(operator).post(PATH).then().statusCode(202)
                .body("snapshot", equalTo("memberships")).extract().jsonPath().getLong("request");

        await().atMost(WAIT).until(() -> given().auth().oauth2(operator).get(PATH).then().statusCode(200).extract()
                .jsonPath().getLong("done") >= request);
        assertEquals(expected, memberships(id, id));
        given().auth().oauth2(operator).get(PATH).then().body("last.reason", containsString("operator"));
    }

    @Test
    void aRepublishThatFailsDoesNotStopTheRelay() throws Exception {
        String owner = user("owner");
        String id = conversation(owner, user("member"));
        // A participant the room grammar refuses (as rows written before identities were checked at the door can be):
        // the snapshot cannot turn it into a record, so every re-publish fails.
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.executeUpdate("insert into chat_participants (conversation_id, user_id, role) values ('" + id
                    + "', 'not a user', 'member')");
        }
        try (TopicReader events = TopicReader.of(Topics.CHAT_EVENTS)) {
            String operator = Tokens.accessToken("ops", "operator");
            long request;
            // With the relay stopped, the request and the post wait in the database: when it takes the lead, it meets
            // the due re-publish before it publishes the post.
            relay.stop();
            try {
                request = given().auth().oauth2(operator).post(PATH).then().statusCode(202).extract().jsonPath()
                        .getLong("request");
                as(owner).body(Map.of("text", "still flowing")).post("/api/conversations/{id}/messages", id).then()
                        .statusCode(201);
            } finally {
                relay.start();
            }
            events.awaitRecords(record -> ("conversation:" + id).equals(record.key())
                    && new String(record.value(), java.nio.charset.StandardCharsets.UTF_8).contains("still flowing"),
                    1, WAIT);
            assertEquals(true, given().auth().oauth2(operator).get(PATH).then().statusCode(200).extract().jsonPath()
                    .getLong("done") < request, "the failed re-publish is not recorded as done");
        } finally {
            try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
                sql.executeUpdate("delete from chat_participants where user_id = 'not a user'");
            }
        }
    }

    private static String key(String conversation, String user) {
        return Membership.key(Room.conversation(conversation), user);
    }

    private static void awaitMemberships(String first, String second, Map<String, String> expected) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertEquals(new TreeMap<>(expected), memberships(first, second)));
    }

    /** The members of two conversations on the topic, with their roles: what an edge starting now would load. */
    private static Map<String, String> memberships(String first, String second) {
        List<String> prefixes = List.of(key(first, ""), key(second, ""));
        Map<String, String> roles = new TreeMap<>();
        TopicReader.latestValues(Topics.MEMBERSHIPS, key -> prefixes.stream().anyMatch(key::startsWith))
                .forEach((key, value) -> roles.put(key, Json.read(value, Membership.Value.class).role()));
        return roles;
    }
}
