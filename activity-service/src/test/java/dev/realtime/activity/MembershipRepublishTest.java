package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.project;
import static dev.realtime.activity.ActivityFixtures.send;
import static dev.realtime.activity.ActivityFixtures.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.activity.messaging.ActivityIntegrationMapper;
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
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * The membership topic is derived from the event store: an emptied or damaged topic gets every current member of every
 * project back, and no removed one, without touching the database (docs/event-store.md).
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

    @Test
    void aRecreatedTopicGetsEveryCurrentMemberBackWhenTheRelayStarts() throws Exception {
        String owner = unique("owner");
        String member = unique("member");
        String gone = unique("gone");
        String first = project(owner, member, gone);
        String second = project(member, owner);
        as(owner).delete("/api/projects/{id}/members/{user}", first, gone).then().statusCode(204);
        as(member).body(Map.of("role", "admin")).patch("/api/projects/{id}/members/{user}", second, owner)
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
        String owner = unique("owner");
        String member = unique("member");
        String gone = unique("gone");
        String id = project(owner, member, gone);
        as(owner).delete("/api/projects/{id}/members/{user}", id, gone).then().statusCode(204);
        Map<String, String> expected = Map.of(key(id, owner), "owner", key(id, member), "member");
        awaitMemberships(id, id, expected);

        // Damage the topic the way lost records would: the member's grant is gone, the removed user's is back.
        send(new ProducerRecord<>(Topics.MEMBERSHIPS, key(id, member), null));
        send(ActivityIntegrationMapper.grant(Room.project(id), gone, "member", null));
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

    private static String key(String project, String user) {
        return Membership.key(Room.project(project), user);
    }

    private static void awaitMemberships(String first, String second, Map<String, String> expected) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertEquals(new TreeMap<>(expected), memberships(first, second)));
    }

    /** The members of two projects on the topic, with their roles: what an edge starting now would load. */
    private static Map<String, String> memberships(String first, String second) {
        List<String> prefixes = List.of(key(first, ""), key(second, ""));
        Map<String, String> roles = new TreeMap<>();
        TopicReader.latestValues(Topics.MEMBERSHIPS, key -> prefixes.stream().anyMatch(key::startsWith))
                .forEach((key, value) -> roles.put(key, Json.read(value, Membership.Value.class).role()));
        return roles;
    }
}
