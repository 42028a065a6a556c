package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static dev.realtime.chat.ChatFixtures.conversation;
import static dev.realtime.chat.ChatFixtures.user;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Posting faster than the per-user limit gets 429 with Retry-After and stores nothing. The limit is cut to a burst of
 * 5 refilled at 1 post/s, so a client posting one after another reaches it as long as a post takes under a second on
 * average (with the defaults, 20 at 5/s, a loaded machine answering a post in 200 ms never did).
 */
@QuarkusTest
@TestProfile(RateLimitTest.SlowRefill.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class RateLimitTest {
    public static class SlowRefill implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.rate-limit.posts-per-second", "1", "chat.rate-limit.burst", "5");
        }
    }

    @Test
    void postingFasterThanTheRateLimitGets429WithRetryAfterAndStoresNothing() {
        String spammer = user("spammer");
        String id = conversation(spammer, user("victim"));
        int created = 0;
        Response refused = null;
        for (int i = 0; i < 100 && refused == null; i++) {
            Response response = as(spammer).body(Map.of("text", "spam " + i)).post("/api/conversations/{id}/messages", id);
            if (response.statusCode() == 201) {
                created++;
            } else {
                refused = response;
            }
        }
        assertTrue(refused != null, "the limit was never reached");
        refused.then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("/problems/rate-limited"));
        assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1);
        as(spammer).queryParam("limit", 100).get("/api/conversations/{id}/messages", id).then()
                .body("items", hasSize(created));
    }
}
