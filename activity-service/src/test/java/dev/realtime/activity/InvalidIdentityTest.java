package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** A validly signed token whose sub cannot be a user id is refused before any resource runs, and stores nothing. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class InvalidIdentityTest {

    @Test
    void aSubTheRoomGrammarRefusesIsA401ProblemAndCreatesNoProjectNorActivity() {
        String id = unique("identity");
        String owner = unique("owner");
        String existing = ActivityFixtures.project(owner);
        long eventsOfExisting = eventsOf(existing);
        Map<String, Object> activity = ActivityFixtures.activity("file:uploaded", owner, "file", unique("f"), "Mix");

        InvalidIdentities.tokens().forEach((label, token) -> {
            InvalidIdentities.assertRefused(given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("id", id, "title", "Refused")).post("/api/projects"), label);
            InvalidIdentities.assertRefused(given().auth().oauth2(token).get("/api/projects"), label);
        });
        // The role does not help: a service's token needs a usable sub as much as a user's.
        InvalidIdentities.tokens("service").forEach((label, token) -> InvalidIdentities.assertRefused(
                given().auth().oauth2(token).contentType(ContentType.JSON).body(activity)
                        .post("/api/projects/{id}/activities", existing), "service token, " + label));

        assertEquals(0, eventsOf(id));
        assertEquals(eventsOfExisting, eventsOf(existing));
        as(owner).get("/api/projects/{id}", id).then().statusCode(404);

        // The same requests with a valid sub go through, so the lookups above would have seen what they stored.
        as(owner).body(Map.of("id", id, "title", "Accepted")).post("/api/projects").then().statusCode(201);
        assertTrue(eventsOf(id) > 0, "the project's creation is stored");
        ActivityFixtures.post(existing, activity).statusCode(201);
        assertTrue(eventsOf(existing) > eventsOfExisting, "the activity is stored");
    }

    private static long eventsOf(String project) {
        return InvalidIdentities.count("select count(*) from es_events where stream_id = ?", "project:" + project);
    }
}
