package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.project;
import static dev.realtime.activity.ActivityFixtures.unique;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A project has at most {@code activity.limits.max-members} members (cut to 3 here): an add past it is refused with
 * 422 and stores nothing; adding someone who is already a member still answers 200.
 */
@QuarkusTest
@TestProfile(ProjectLimitsTest.SmallProjects.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ProjectLimitsTest {
    static final int MAX = 3;

    public static class SmallProjects implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("activity.limits.max-members", String.valueOf(MAX));
        }
    }

    @Test
    void addingAMemberPastTheLimitIsRefusedWith422AndNothingIsStored() {
        String owner = unique("owner");
        String a = unique("a");
        String b = unique("b");
        String late = unique("late");
        String id = project(owner, a, b);
        int version = as(owner).get("/api/projects/{id}", id).then().statusCode(200).extract().path("version");

        as(owner).body(Map.of("userId", late)).post("/api/projects/{id}/members", id)
                .then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("/problems/too-many-members"))
                .body("status", equalTo(422))
                .body("errors[0].field", equalTo("userId"))
                .body("limit", equalTo(MAX));
        as(owner).get("/api/projects/{id}/members", id).then().statusCode(200)
                .body("", hasSize(MAX)).body("userId", not(hasItem(late)));
        as(owner).get("/api/projects/{id}", id).then().body("version", equalTo(version));
        as(late).get("/api/projects/{id}", id).then().statusCode(404);

        // A member added again changes nothing, limit or not.
        as(owner).body(Map.of("userId", a)).post("/api/projects/{id}/members", id).then().statusCode(200)
                .body("", hasSize(MAX));
        // A place freed is a place to fill.
        as(owner).delete("/api/projects/{id}/members/{user}", id, b).then().statusCode(204);
        as(owner).body(Map.of("userId", late)).post("/api/projects/{id}/members", id).then().statusCode(200)
                .body("userId", hasItem(late));
    }
}
