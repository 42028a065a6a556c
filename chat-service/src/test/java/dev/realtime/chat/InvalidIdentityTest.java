package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** A validly signed token whose sub cannot be a user id is refused before any resource runs, and stores nothing. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class InvalidIdentityTest {

    @Test
    void aSubTheRoomGrammarRefusesIsA401ProblemAndCreatesNoConversation() {
        String bob = ChatFixtures.user("bob");
        String title = "identity-" + UUID.randomUUID();
        InvalidIdentities.tokens().forEach((label, token) -> {
            InvalidIdentities.assertRefused(given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("title", title, "participants", List.of(bob)))
                    .post("/api/conversations"), label);
            InvalidIdentities.assertRefused(given().auth().oauth2(token).get("/api/conversations"), label);
        });

        as(bob).get("/api/conversations").then().statusCode(200).body("items.title", not(hasItem(title)));
        assertEquals(0, storedEventsTitled(title));
        for (String subject : InvalidIdentities.presentSubjects()) {
            assertEquals(0, InvalidIdentities.count("select count(*) from es_events where metadata->>'actor' = ?", subject),
                    "events by '" + subject + "'");
        }

        // The same request with a valid sub goes through, so the lookups above would have seen a conversation.
        String alice = ChatFixtures.user("alice");
        as(alice).body(Map.of("title", title, "participants", List.of(bob))).post("/api/conversations")
                .then().statusCode(201);
        as(bob).get("/api/conversations").then().statusCode(200).body("items.title", hasItem(title));
        assertEquals(1, storedEventsTitled(title));
    }

    private static long storedEventsTitled(String title) {
        return InvalidIdentities.count("select count(*) from es_events where data->>'title' = ?", title);
    }
}
