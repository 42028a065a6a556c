package dev.realtime.activity;

import static dev.realtime.testkit.HostileInputs.NOT_JSON;
import static dev.realtime.testkit.HostileInputs.NOT_TEXT;
import static dev.realtime.testkit.HostileInputs.UNSTORABLE;
import static dev.realtime.testkit.HostileInputs.assertInvalidParameter;
import static dev.realtime.testkit.HostileInputs.assertMalformed;
import static dev.realtime.testkit.HostileInputs.assertUnstorable;
import static dev.realtime.activity.ActivityFixtures.activity;
import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.asService;
import static dev.realtime.activity.ActivityFixtures.feedVerbs;
import static dev.realtime.activity.ActivityFixtures.posted;
import static dev.realtime.activity.ActivityFixtures.project;
import static dev.realtime.activity.ActivityFixtures.unique;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Input the API cannot store or should not guess at is refused with a 400 naming the field or parameter, never a 500
 * nor a 404: text with U+0000 or an unpaired surrogate (titles, activities, their free-form details), scalars of the
 * wrong JSON type, trailing garbage, a body that is not JSON, query parameters that do not parse.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class StrictInputTest {
    @Test
    void unstorableTextInAnyStringOfABodyIs400NamingTheFieldAndNothingIsStored() {
        String ana = unique("ana");
        String id = project(ana);
        String activity = "{\"verb\":\"file:uploaded\",\"actor\":{\"id\":\"" + ana + "\",\"name\":\"%s\"},"
                + "\"target\":{\"type\":\"file\",\"id\":\"f1\",\"title\":\"%s\"},\"details\":%s}";

        for (String bad : UNSTORABLE) {
            assertUnstorable(as(ana).body("{\"title\":\"" + bad + "\"}").post("/api/projects"), "title");
            assertUnstorable(as(ana).body("{\"title\":\"" + bad + "\"}").patch("/api/projects/{id}", id), "title");
            assertUnstorable(as(ana).body("{\"userId\":\"" + unique("bob") + "\",\"displayName\":\"" + bad + "\"}")
                    .post("/api/projects/{id}/members", id), "displayName");
            assertUnstorable(asService().body(activity.formatted(bad, "T", "{}")).post("/api/projects/{id}/activities", id),
                    "actor.name");
            assertUnstorable(asService().body(activity.formatted("A", bad, "{}")).post("/api/projects/{id}/activities", id),
                    "target.title");
            // details are stored as jsonb, which refuses U+0000 in any string
            assertUnstorable(asService().body(activity.formatted("A", "T", "{\"notes\":[\"ok\",{\"text\":\"" + bad + "\"}]}"))
                    .post("/api/projects/{id}/activities", id), "details.notes[1].text");
        }
        assertUnstorable(asService().body(activity.formatted("A", "T", "{\"k\\u0000\":1}"))
                .post("/api/projects/{id}/activities", id), "details.k\\u0000");

        as(ana).get("/api/projects/{id}", id).then().statusCode(200).body("title", equalTo("Project of " + ana));
        as(ana).get("/api/projects/{id}/members", id).then().statusCode(200).body("$", hasSize(1));
        assertEquals(List.of("member:joined"), feedVerbs(ana, id));
        // a surrogate pair is text like any other
        posted(id, activity("file:uploaded", ana, "file", "f1", "Mix \ud83c\udfb8"));
    }

    @Test
    void scalarsOfTheWrongTypeTrailingGarbageAndNonJsonAre400MalformedJson() {
        String ana = unique("ana");
        String id = project(ana);

        for (String title : NOT_TEXT) {
            assertMalformed(as(ana).body("{\"title\":" + title + "}").post("/api/projects")).body("errors[0].field", equalTo("title"));
            assertMalformed(as(ana).body("{\"title\":" + title + "}").patch("/api/projects/{id}", id))
                    .body("errors[0].field", equalTo("title"));
            assertMalformed(asService().body("{\"verb\":\"file:uploaded\",\"actor\":{\"id\":\"" + ana + "\"},"
                    + "\"target\":{\"type\":\"file\",\"id\":\"f1\",\"title\":" + title + "}}")
                    .post("/api/projects/{id}/activities", id)).body("errors[0].field", equalTo("target.title"));
        }
        for (String seq : List.of("\"1\"", "1.5", "true")) {
            assertMalformed(as(ana).body("{\"seq\":" + seq + "}").put("/api/projects/{id}/seen", id))
                    .body("errors[0].field", equalTo("seq"));
        }
        assertMalformed(as(ana).body("{\"title\":\"hi\"} xyz").patch("/api/projects/{id}", id));
        assertMalformed(as(ana).body(NOT_JSON).post("/api/projects"));
        assertMalformed(asService().body(NOT_JSON).post("/api/projects/{id}/activities", id));

        as(ana).get("/api/projects/{id}", id).then().statusCode(200).body("title", equalTo("Project of " + ana));
        as(ana).get("/api/projects/{id}/seen", id).then().statusCode(200).body("seenSeq", equalTo(0));
        assertEquals(List.of("member:joined"), feedVerbs(ana, id));
    }

    @Test
    void queryParametersThatDoNotParseAre400NamingTheParameter() {
        String ana = unique("ana");
        String id = project(ana);
        String notALong = "9223372036854775808";

        for (String[] bad : new String[][] {{"before", "1 OR 1=1"}, {"before", notALong}, {"since", "x"},
                {"since", notALong}, {"limit", "abc"}, {"limit", "1.5"}, {"group", "x"}, {"group", "1"}}) {
            assertInvalidParameter(as(ana).queryParam(bad[0], bad[1]).get("/api/projects/{id}/activities", id), bad[0]);
        }
        assertInvalidParameter(as(ana).queryParam("after", notALong).get("/api/projects/{id}/events", id), "after");
        assertInvalidParameter(as(ana).queryParam("after", "x").get("/api/projects/{id}/events", id), "after");
        assertInvalidParameter(as(ana).queryParam("limit", "abc").get("/api/projects/{id}/events", id), "limit");

        as(ana).queryParam("group", "true").queryParam("since", "0").queryParam("limit", "5")
                .get("/api/projects/{id}/activities", id).then().statusCode(200).body("items", hasSize(1));
        as(ana).queryParam("after", "0").queryParam("limit", "5").get("/api/projects/{id}/events", id).then()
                .statusCode(200);
    }



}
