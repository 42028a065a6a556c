package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.asService;
import static dev.realtime.activity.ActivityFixtures.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Members added by id and actors named by id alone are shown with the name their identity provider gives them (the
 * {@code name} claim of their own tokens), once they have used the service: whether that happened before they were
 * added or after. A name the adding user or service gave wins.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class DisplayNamesTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void membersAndActorsAddedByIdShowTheNameTheirIdentityProviderGivesThem() {
        String owner = unique("olga");
        String bob = unique("bob");
        String carol = unique("carol");
        String dave = unique("dave");
        // Bob and Dave have used the app before; Carol has not yet.
        seen(bob, "Bob Cratchit");
        seen(dave, "Dave Bowman");
        String project = as(owner).body(Map.of("title", "Reports")).post("/api/projects")
                .then().statusCode(201).extract().path("id");
        for (String member : List.of(bob, carol)) {
            as(owner).body(Map.of("userId", member)).post("/api/projects/{id}/members", project)
                    .then().statusCode(200);
        }
        as(owner).body(Map.of("userId", dave, "displayName", "D. Bowman"))
                .post("/api/projects/{id}/members", project).then().statusCode(200);

        seen(carol, "Carol Danvers");
        Map<String, Object> noName = new HashMap<>();
        noName.put("id", carol);
        asService().body(Map.of("verb", "acme.report:published", "actor", noName,
                        "target", Map.of("type", "report", "id", "r-1", "title", "Q3")))
                .post("/api/projects/{id}/activities", project).then().statusCode(201);

        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, String> members = new HashMap<>();
            List<Map<String, Object>> list = as(owner).get("/api/projects/{id}/members", project)
                    .then().statusCode(200).extract().jsonPath().getList("$");
            list.forEach(m -> members.put((String) m.get("userId"), (String) m.get("displayName")));
            assertEquals("Bob Cratchit", members.get(bob));
            assertEquals("Carol Danvers", members.get(carol), "seen after being added");
            assertEquals("D. Bowman", members.get(dave), "the name the owner gave wins");
        });
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, String> actors = new HashMap<>();
            List<Map<String, Object>> items = as(owner).queryParam("limit", 200)
                    .get("/api/projects/{id}/activities", project)
                    .then().statusCode(200).extract().jsonPath().getList("items");
            for (Map<String, Object> item : items) {
                Map<?, ?> actor = (Map<?, ?>) item.get("actor");
                actors.put(item.get("verb") + " " + actor.get("id"), (String) actor.get("name"));
            }
            assertEquals("Bob Cratchit", actors.get("member:joined " + bob));
            assertEquals("Carol Danvers", actors.get("member:joined " + carol));
            assertEquals("Carol Danvers", actors.get("acme.report:published " + carol));
            assertEquals("D. Bowman", actors.get("member:joined " + dave));
        });
    }

    /** The user calls the service with a token whose {@code name} claim is {@code name}. */
    private static void seen(String user, String name) {
        given().auth().oauth2(Tokens.accessToken(user, Map.of("name", name), "user")).contentType(ContentType.JSON)
                .get("/api/projects").then().statusCode(200);
    }
}
