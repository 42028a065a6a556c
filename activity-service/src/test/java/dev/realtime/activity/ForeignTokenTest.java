package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.testkit.ForeignTokens;
import dev.realtime.testkit.InvalidIdentities;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A token that is not an access token for this API (ID token, another client's, no audience, issued in the future)
 * or cannot be a JWT at all is a plain 401, never a 500, and creates no project nor activity.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ForeignTokenTest {

    @Test
    void aForeignOrMalformedTokenIsA401AndCreatesNoProjectNorActivity() {
        String id = unique("foreign");
        String owner = unique("owner");
        String existing = ActivityFixtures.project(owner);
        long eventsOfExisting = eventsOf(existing);
        Map<String, Object> activity = ActivityFixtures.activity("file:uploaded", owner, "file", unique("f"), "Mix");

        ForeignTokens.assertAllRefused(owner, authorization -> given().header("Authorization", authorization)
                .contentType(ContentType.JSON).body(Map.of("id", id, "title", "Refused")).post("/api/projects"));
        ForeignTokens.assertAllRefused(owner, authorization -> given().header("Authorization", authorization)
                .get("/api/projects"));
        // A service's role does not make a foreign token acceptable.
        ForeignTokens.assertAllRefused(unique("svc"), authorization -> given().header("Authorization", authorization)
                .contentType(ContentType.JSON).body(activity).post("/api/projects/{id}/activities", existing),
                "service");

        assertEquals(0, eventsOf(id));
        assertEquals(eventsOfExisting, eventsOf(existing));
        as(owner).get("/api/projects/{id}", id).then().statusCode(404);

        // The same requests with access tokens go through, so the lookups above would have seen what they stored.
        as(owner).body(Map.of("id", id, "title", "Accepted")).post("/api/projects").then().statusCode(201);
        assertTrue(eventsOf(id) > 0, "the project's creation is stored");
        ActivityFixtures.post(existing, activity).statusCode(201);
        assertTrue(eventsOf(existing) > eventsOfExisting, "the activity is stored");
    }

    private static long eventsOf(String project) {
        return InvalidIdentities.count("select count(*) from es_events where stream_id = ?", "project:" + project);
    }
}
