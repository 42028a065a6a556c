package dev.realtime.notification;

import static io.restassured.RestAssured.given;
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
import org.junit.jupiter.api.Test;

/**
 * A token that is not an access token for this API (ID token, another client's, no audience, issued in the future)
 * or cannot be a JWT at all is a plain 401, never a 500, and stores nothing.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ForeignTokenTest {

    @Test
    void aForeignOrMalformedTokenIsA401AndStoresNothing() {
        String user = Sources.user("paula");
        String marker = "foreign-" + Sources.id();
        Map<String, Object> preferences = Map.of("emailEnabled", false, "mutedConversations", List.of(marker));

        ForeignTokens.assertAllRefused(user, authorization -> given().header("Authorization", authorization)
                .contentType(ContentType.JSON).body(preferences).put("/api/notifications/preferences"));
        ForeignTokens.assertAllRefused(user, authorization -> given().header("Authorization", authorization)
                .post("/api/notifications/read-all"));
        ForeignTokens.assertAllRefused(user, authorization -> given().header("Authorization", authorization)
                .get("/api/notifications"));

        assertEquals(0, preferencesMuting(marker));
        assertEquals(0, InvalidIdentities.count("select count(*) from es_events where stream_id = ?", "user:" + user));

        // The same request with the user's access token goes through, so the lookup above would have seen it.
        Sources.as(user).body(preferences).put("/api/notifications/preferences").then().statusCode(200);
        assertEquals(1, preferencesMuting(marker));
    }

    private static long preferencesMuting(String conversation) {
        return InvalidIdentities.count("select count(*) from nt_preferences where muted_conversations::text like ?",
                "%" + conversation + "%");
    }
}
