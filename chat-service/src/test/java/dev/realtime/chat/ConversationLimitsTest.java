package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static dev.realtime.chat.ChatFixtures.conversation;
import static dev.realtime.chat.ChatFixtures.user;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bounded cost per caller: a conversation has at most {@code chat.limits.max-participants} participants, at creation
 * and after adds; creating conversations and adding participants each have a per-user budget (429 with Retry-After
 * beyond). The limits are cut small here (4 participants; 2 conversations and 2 adds at once, refilled at 2 a minute)
 * so that the requests reach them; nothing depends on how fast the requests are: the rate tests go on until refused
 * and then count what was stored.
 */
@QuarkusTest
@TestProfile(ConversationLimitsTest.SmallLimits.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ConversationLimitsTest {
    static final int MAX = 4;

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.limits.max-participants", String.valueOf(MAX),
                    "chat.rate-limit.conversations-per-minute", "2", "chat.rate-limit.conversations-burst", "2",
                    "chat.rate-limit.participant-adds-per-minute", "2", "chat.rate-limit.participant-adds-burst", "2");
        }
    }

    @Test
    void aConversationPastTheParticipantLimitIsRefusedWith422AndNothingIsStored() {
        String owner = user("big-owner");
        String a = user("a");
        String b = user("b");
        String c = user("c");
        String d = user("d");
        // The creator counts, and so does each other participant once: the caller and repeats are not extra.
        as(owner).body(Map.of("title", "Four", "participants", List.of(a, b, c, a, owner)))
                .post("/api/conversations").then().statusCode(201).body("participants", hasSize(MAX));

        as(owner).body(Map.of("title", "Five", "participants", List.of(a, b, c, d)))
                .post("/api/conversations").then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("/problems/too-many-participants"))
                .body("status", equalTo(422))
                .body("errors[0].field", equalTo("participants"))
                .body("limit", equalTo(MAX));
        as(owner).get("/api/conversations").then().statusCode(200)
                .body("items", hasSize(1)).body("items.title", not(hasItem("Five")));
        as(d).get("/api/conversations").then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void addingAParticipantPastTheLimitIsRefusedWith422AndNothingIsStored() {
        String owner = user("full-owner");
        String a = user("a");
        String b = user("b");
        String c = user("c");
        String late = user("late");
        String id = conversation(owner, a, b);
        as(owner).body(Map.of("userId", c)).post("/api/conversations/{id}/participants", id)
                .then().statusCode(200).body("participants", hasSize(MAX));
        long version = as(owner).get("/api/conversations/{id}", id).then().extract().<Number>path("version").longValue();

        as(owner).body(Map.of("userId", late)).post("/api/conversations/{id}/participants", id)
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("/problems/too-many-participants"))
                .body("errors[0].field", equalTo("userId"))
                .body("limit", equalTo(MAX));
        as(owner).get("/api/conversations/{id}", id).then().statusCode(200)
                .body("participants", hasSize(MAX))
                .body("participants.userId", not(hasItem(late)))
                .body("version", equalTo((int) version));
        as(late).get("/api/conversations/{id}", id).then().statusCode(404);
    }

    @Test
    void creatingConversationsFasterThanTheBudgetGets429WithRetryAfterAndStoresNothing() {
        String owner = user("creator");
        String other = user("other");
        String direct = as(owner).body(Map.of("title", "DM", "participants", List.of(other), "direct", true))
                .post("/api/conversations").then().statusCode(201).extract().path("id");
        int created = 1;
        Response refused = null;
        for (int i = 0; i < 50 && refused == null; i++) {
            Response response = as(owner).body(Map.of("title", "Spam " + i, "participants", List.of(other)))
                    .post("/api/conversations");
            if (response.statusCode() == 201) {
                created++;
            } else {
                refused = response;
            }
        }
        assertNotNull(refused, "the budget was never reached");
        refused.then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("/problems/rate-limited"));
        assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1);
        assertTrue(created >= 2, "the burst of 2 was admitted");
        as(owner).queryParam("limit", 200).get("/api/conversations").then().statusCode(200)
                .body("items", hasSize(created));
        as(other).queryParam("limit", 200).get("/api/conversations").then().statusCode(200)
                .body("items", hasSize(created));

        // Opening the pair's existing direct conversation creates nothing and costs nothing.
        as(owner).body(Map.of("title", "DM", "participants", List.of(other), "direct", true))
                .post("/api/conversations").then().statusCode(200).body("id", equalTo(direct));
    }

    @Test
    void addingParticipantsFasterThanTheBudgetGets429WithRetryAfterAndStoresNothing() {
        String owner = user("adder");
        String id = conversation(owner);
        int added = 0;
        String refusedUser = null;
        Response refused = null;
        // Add and remove again, so that the participant limit is never what refuses: churn costs as well.
        for (int i = 0; i < 50 && refused == null; i++) {
            String next = user("guest" + i);
            Response response = as(owner).body(Map.of("userId", next)).post("/api/conversations/{id}/participants", id);
            if (response.statusCode() == 200) {
                added++;
                as(owner).delete("/api/conversations/{id}/participants/{user}", id, next).then().statusCode(204);
            } else {
                refused = response;
                refusedUser = next;
            }
        }
        assertNotNull(refused, "the budget was never reached");
        refused.then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("/problems/rate-limited"));
        assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1);
        assertTrue(added >= 2, "the burst of 2 was admitted");
        List<String> events = as(owner).queryParam("limit", 500).get("/api/conversations/{id}/events", id).then()
                .statusCode(200).extract().path("items.event");
        assertEquals(added, events.stream().filter("conversation:participant:added"::equals).count());
        as(owner).get("/api/conversations/{id}", id).then().body("participants.userId", not(hasItem(refusedUser)));
        as(refusedUser).get("/api/conversations/{id}", id).then().statusCode(404);
    }
}
