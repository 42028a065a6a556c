package dev.realtime.notification;

import static io.restassured.RestAssured.given;
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
import org.junit.jupiter.api.Test;

/** A validly signed token whose sub cannot be a user id is refused before any resource runs, and stores nothing. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class InvalidIdentityTest {

    @Test
    void aSubTheRoomGrammarRefusesIsA401ProblemAndStoresNothing() {
        String marker = "identity-" + Sources.id();
        Map<String, Object> preferences = Map.of("emailEnabled", false, "mutedConversations", List.of(marker));

        InvalidIdentities.tokens().forEach((label, token) -> {
            InvalidIdentities.assertRefused(given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(preferences).put("/api/notifications/preferences"), label);
            InvalidIdentities.assertRefused(given().auth().oauth2(token).post("/api/notifications/read-all"), label);
            InvalidIdentities.assertRefused(given().auth().oauth2(token).get("/api/notifications"), label);
        });

        assertEquals(0, preferencesMuting(marker));
        for (String subject : InvalidIdentities.presentSubjects()) {
            assertEquals(0, InvalidIdentities.count("select count(*) from es_events where stream_id = ?", "user:" + subject),
                    "events of '" + subject + "'");
            assertEquals(0, InvalidIdentities.count("select count(*) from nt_preferences where user_id = ?", subject),
                    "preferences of '" + subject + "'");
        }

        // The same request with a valid sub goes through, so the lookup above would have seen what it stored.
        Sources.as(Sources.user("olga")).body(preferences).put("/api/notifications/preferences").then().statusCode(200);
        assertEquals(1, preferencesMuting(marker));
    }

    private static long preferencesMuting(String conversation) {
        return InvalidIdentities.count("select count(*) from nt_preferences where muted_conversations::text like ?",
                "%" + conversation + "%");
    }
}
