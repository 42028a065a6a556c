package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static dev.realtime.chat.ChatFixtures.atOnce;
import static dev.realtime.chat.ChatFixtures.conversation;
import static dev.realtime.chat.ChatFixtures.user;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A post that waits too long for its conversation's turn is refused with 503 and Retry-After and stores nothing. The
 * wait is cut to 1 ms here, so a crowd posting at once into one conversation reaches it.
 */
@QuarkusTest
@TestProfile(PostTurnWaitTest.ShortTurnWait.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class PostTurnWaitTest {
    private static final int POSTERS = 16;

    public static class ShortTurnWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eventstore.commands.turn-wait", "1ms");
        }
    }

    @Test
    void aPostThatWaitsTooLongForItsConversationsTurnGets503WithRetryAfterAndStoresNothing() throws Exception {
        String owner = user("turn-wait-owner");
        List<String> posters = new ArrayList<>();
        for (int i = 0; i < POSTERS; i++) {
            posters.add(user("turn-wait" + i));
        }
        String id = conversation(owner, posters.toArray(String[]::new));

        int created = 0;
        Response busy = null;
        // A crowd released at once nearly always has posts queued behind a turn; a few rounds make it certain.
        for (int round = 0; round < 5 && busy == null; round++) {
            int thisRound = round;
            for (Response response : atOnce(posters, poster -> as(poster)
                    .body(Map.of("text", "round " + thisRound + " from " + poster))
                    .post("/api/conversations/{id}/messages", id))) {
                if (response.statusCode() == 201) {
                    created++;
                } else {
                    assertEquals(503, response.statusCode(), response.asString());
                    busy = response;
                }
            }
        }
        assertNotNull(busy, "no post was refused although each waited at most 1 ms");
        assertEquals("application/problem+json", busy.contentType());
        assertEquals("/problems/conversation-busy", busy.path("type"));
        assertEquals(503, (int) busy.path("status"));
        assertTrue(Integer.parseInt(busy.header("Retry-After")) >= 1, busy.headers().toString());

        int stored = as(owner).queryParam("limit", 100).get("/api/conversations/{id}/messages", id).then()
                .statusCode(200).extract().path("items.size()");
        assertEquals(created, stored, "a refused post stores nothing");
    }
}
