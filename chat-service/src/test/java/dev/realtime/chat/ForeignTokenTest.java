package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.testkit.ForeignTokens;
import dev.realtime.testkit.InvalidIdentities;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A token that is not an access token for this API (ID or refresh token, another client's, no audience, issued in
 * the future) or cannot be a JWT at all is a plain 401, never a 500, and stores nothing.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ForeignTokenTest {

    @Test
    void aForeignOrMalformedTokenIsA401AndCreatesNoConversation() {
        String alice = ChatFixtures.user("alice");
        String bob = ChatFixtures.user("bob");
        String title = "foreign-" + UUID.randomUUID();
        ForeignTokens.assertAllRefused(alice, authorization -> given().header("Authorization", authorization)
                .contentType(ContentType.JSON).body(Map.of("title", title, "participants", List.of(bob)))
                .post("/api/conversations"));
        ForeignTokens.assertAllRefused(alice, authorization -> given().header("Authorization", authorization)
                .get("/api/conversations"));

        as(bob).get("/api/conversations").then().statusCode(200).body("items.title", not(hasItem(title)));
        assertEquals(0, storedEventsTitled(title));

        // The same request with alice's access token goes through, so the lookups above would have seen it.
        as(alice).body(Map.of("title", title, "participants", List.of(bob))).post("/api/conversations")
                .then().statusCode(201);
        assertEquals(1, storedEventsTitled(title));
    }

    private static long storedEventsTitled(String title) {
        return InvalidIdentities.count("select count(*) from es_events where data->>'title' = ?", title);
    }
}
