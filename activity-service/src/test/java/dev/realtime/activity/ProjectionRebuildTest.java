package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.activity;
import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.posted;
import static dev.realtime.activity.ActivityFixtures.project;
import static dev.realtime.activity.ActivityFixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.eventstore.projection.ProjectionReplayer;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The read models are a function of the log: a replay rebuilds what users see, and keeps their seen markers. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ProjectionRebuildTest {

    @Inject
    ProjectionReplayer replayer;

    @Test
    void aRebuiltFeedEqualsTheLiveOne() throws Throwable {
        String ana = unique("ana");
        String bob = unique("bob");
        String carol = unique("carol");
        String id = project(ana, bob, carol);
        as(ana).body(Map.of("role", "admin")).patch("/api/projects/{id}/members/{user}", id, bob).then().statusCode(200);
        as(carol).post("/api/projects/{id}/leave", id).then().statusCode(204);
        as(ana).body(Map.of("title", "Renamed")).patch("/api/projects/{id}", id).then().statusCode(200);
        Map<String, Object> comment = activity("comment:created", bob, "track", "t1", "Track 1");
        comment.put("details", Map.of("commentId", "c-1"));
        posted(id, comment);
        posted(id, activity("studio.mix:exported", ana, "mix", "m1", "Mix 1"));
        as(ana).body(Map.of("seq", 5)).put("/api/projects/{id}/seen", id).then().statusCode(200);

        String feed = feed(ana, id);
        String members = as(ana).get("/api/projects/{id}/members", id).then().statusCode(200).extract().asString();
        String project = as(ana).get("/api/projects/{id}", id).then().statusCode(200).extract().asString();
        String seen = as(ana).get("/api/projects/{id}/seen", id).then().statusCode(200).extract().asString();

        long replayed = VertxContextSupport.subscribeAndAwait(() -> replayer.rebuild("activity"));
        assertTrue(replayed >= 9, "replayed " + replayed);

        assertEquals(feed, feed(ana, id));
        assertEquals(members, as(ana).get("/api/projects/{id}/members", id).then().extract().asString());
        assertEquals(project, as(ana).get("/api/projects/{id}", id).then().extract().asString());
        assertEquals(seen, as(ana).get("/api/projects/{id}/seen", id).then().extract().asString());
    }

    private static String feed(String user, String project) {
        return as(user).queryParam("group", true).get("/api/projects/{id}/activities", project).then().statusCode(200)
                .extract().asString();
    }
}
