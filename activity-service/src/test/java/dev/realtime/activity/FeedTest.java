package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.activity;
import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.asService;
import static dev.realtime.activity.ActivityFixtures.feedVerbs;
import static dev.realtime.activity.ActivityFixtures.post;
import static dev.realtime.activity.ActivityFixtures.posted;
import static dev.realtime.activity.ActivityFixtures.project;
import static dev.realtime.activity.ActivityFixtures.unique;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The feed as members read it: paging, filters, catch-up, seen marker, grouping; and what producers may post. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class FeedTest {

    @Test
    void pagesWalkTheFeedNewestFirstWithoutGapsOrRepeats() {
        String ana = unique("ana");
        String id = project(ana);
        for (int i = 1; i <= 12; i++) {
            posted(id, activity("file:uploaded", ana, "file", "f" + i, "File " + i));
        }
        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        Integer before = null;
        do {
            var request = as(ana).queryParam("limit", 5);
            if (before != null) {
                request.queryParam("before", before);
            }
            JsonPath page = request.get("/api/projects/{id}/activities", id).then().statusCode(200)
                    .body("latestSeq", equalTo(14)).extract().jsonPath();
            seen.addAll(page.getList("items.target.id"));
            pageSizes.add(page.getList("items").size());
            before = page.get("next");
        } while (before != null);
        List<String> expected = new ArrayList<>();
        for (int i = 12; i >= 1; i--) {
            expected.add("f" + i);
        }
        expected.add(id); // the owner's member:joined, target = the project
        assertEquals(expected, seen);
        assertEquals(List.of(5, 5, 3), pageSizes);
    }

    @Test
    void filtersByVerbActorAndTargetAndCatchesUpSinceASeq() {
        String ana = unique("ana");
        String bob = unique("bob");
        String id = project(ana, bob);
        posted(id, activity("comment:created", ana, "track", "t1", "Track 1"));   // seq 4
        posted(id, activity("comment:created", bob, "track", "t2", "Track 2"));   // seq 5
        posted(id, activity("file:uploaded", bob, "track", "t1", "Track 1"));     // seq 6
        posted(id, activity("studio.mix:exported", ana, "mix", "m1", "Mix 1"));   // seq 7

        as(ana).queryParam("verb", "comment:created").get("/api/projects/{id}/activities", id).then().statusCode(200)
                .body("items.seq", equalTo(List.of(5, 4)));
        as(ana).queryParam("actor", bob).get("/api/projects/{id}/activities", id).then()
                .body("items.seq", equalTo(List.of(6, 5, 3)));
        as(ana).queryParam("targetType", "track").queryParam("targetId", "t1").get("/api/projects/{id}/activities", id)
                .then().body("items.seq", equalTo(List.of(6, 4)));
        as(ana).queryParam("since", 5).get("/api/projects/{id}/activities", id).then()
                .body("items.seq", equalTo(List.of(7, 6)))
                .body("items[0].verb", equalTo("studio.mix:exported"))
                .body("items[0].target.link", equalTo("https://app.example.test/projects/" + id + "/mix/m1"));
        as(ana).queryParam("targetId", "t1").get("/api/projects/{id}/activities", id).then().statusCode(400)
                .body("errors[0].field", equalTo("targetType"));
        as(ana).queryParam("limit", 0).get("/api/projects/{id}/activities", id).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("limit"));
    }

    @Test
    void theSeenMarkerCountsOthersActivitiesAfterItAndNeverMovesBack() {
        String ana = unique("ana");
        String bob = unique("bob");
        String id = project(ana, bob);                                             // seq 1..3
        posted(id, activity("comment:created", bob, "track", "t1", "Track 1"));   // 4
        posted(id, activity("comment:created", ana, "track", "t1", "Track 1"));   // 5
        posted(id, activity("comment:created", bob, "track", "t1", "Track 1"));   // 6

        as(ana).get("/api/projects/{id}/seen", id).then().statusCode(200)
                .body("seenSeq", equalTo(0)).body("unseenCount", equalTo(3)) // bob joined, bob's two comments
                .body("unseenCapped", equalTo(false));
        as(ana).body(Map.of("seq", 4)).put("/api/projects/{id}/seen", id).then().statusCode(200)
                .body("seenSeq", equalTo(4)).body("unseenCount", equalTo(1));
        as(ana).body(Map.of("seq", 2)).put("/api/projects/{id}/seen", id).then().statusCode(200)
                .body("seenSeq", equalTo(4));
        as(ana).body(Map.of("seq", 1000)).put("/api/projects/{id}/seen", id).then().statusCode(200)
                .body("seenSeq", equalTo(6)).body("unseenCount", equalTo(0));
        as(bob).get("/api/projects/{id}/seen", id).then().body("seenSeq", equalTo(0)).body("unseenCount", equalTo(2));
        as(ana).body(Map.of("seq", -1)).put("/api/projects/{id}/seen", id).then().statusCode(400)
                .body("errors.field", hasItem("seq"));
        // The count stops at activity.unseen-cap (5 in tests) and says so.
        for (int i = 0; i < 5; i++) {
            posted(id, activity("comment:created", bob, "track", "t1", "Track 1"));
        }
        as(ana).get("/api/projects/{id}/seen", id).then().body("unseenCount", equalTo(5)).body("unseenCapped", equalTo(false));
        posted(id, activity("comment:created", bob, "track", "t1", "Track 1"));
        as(ana).get("/api/projects/{id}/seen", id).then().body("unseenCount", equalTo(5)).body("unseenCapped", equalTo(true));
    }

    @Test
    void burstsOfOneVerbOnOneTargetGroupWithinTheWindowAndKeepTheirItems() {
        String ana = unique("ana");
        String bob = unique("bob");
        String carol = unique("carol");
        String dave = unique("dave");
        String id = project(ana, bob, carol, dave);
        Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
        postAt(id, "comment:created", ana, "t7", t0);                       // 20 min before the burst: alone
        postAt(id, "comment:created", bob, "t7", t0.plusSeconds(1200));
        postAt(id, "file:uploaded", carol, "t7", t0.plusSeconds(1260));      // another verb in between
        postAt(id, "comment:created", carol, "t7", t0.plusSeconds(1320));
        postAt(id, "comment:created", dave, "t7", t0.plusSeconds(1500));
        postAt(id, "comment:created", bob, "t7", t0.plusSeconds(1700));
        postAt(id, "comment:created", ana, "t7", t0.plusSeconds(1740));

        JsonPath page = as(ana).queryParam("group", true).queryParam("limit", 7).get("/api/projects/{id}/activities", id)
                .then().statusCode(200).body("items", hasSize(7)).extract().jsonPath();
        assertEquals(List.of("group", "activity", "activity"), page.getList("entries.kind"));
        Map<String, Object> group = page.getMap("entries[0].group");
        assertEquals("comment:created", group.get("verb"));
        assertEquals(5, group.get("count"));
        assertEquals(4, group.get("actorCount"));
        assertEquals(List.of(ana, bob, dave), page.getList("entries[0].group.actors.id"));
        assertEquals(List.of(ana.toUpperCase(), bob.toUpperCase(), dave.toUpperCase()),
                page.getList("entries[0].group.actors.name"));
        assertEquals("Track t7", page.get("entries[0].group.target.title"));
        assertEquals(page.getList("items.id").subList(0, 2), page.getList("entries[0].group.items.id").subList(0, 2));
        assertEquals(List.of(ana, bob, dave, carol, bob), page.getList("entries[0].group.items.actor.id"));
        assertEquals("2026-11-22T10:29:00Z", page.get("entries[0].group.latestAt"));
        assertEquals("2026-11-22T10:20:00Z", page.get("entries[0].group.earliestAt"));
        assertEquals("file:uploaded", page.get("entries[1].activity.verb"));
        assertEquals("2026-11-22T10:00:00Z", page.get("entries[2].activity.occurredAt"));
        // Without group=true the same page is the plain list.
        as(ana).queryParam("limit", 7).get("/api/projects/{id}/activities", id).then()
                .body("entries", nullValue()).body("items", hasSize(7));
    }

    @Test
    void aRetryWithTheSameSourceIdReturnsTheFirstActivity() {
        String ana = unique("ana");
        String id = project(ana);
        Map<String, Object> body = activity("cut:created", ana, "cut", "c1", "Intro cut");
        body.put("sourceId", "cut-c1-created");
        String first = post(id, body).statusCode(201).extract().path("id");
        String retry = post(id, body).statusCode(200).extract().path("id");
        assertEquals(first, retry);
        assertEquals(List.of("cut:created", "member:joined"), feedVerbs(ana, id));
    }

    @Test
    void aReplyCarriesTheAuthorRepliedTo() {
        String ana = unique("ana");
        String bob = unique("bob");
        String id = project(ana, bob);
        Map<String, Object> reply = activity("comment:reply", bob, "track", "t1", "Track 1");
        reply.put("details", Map.of("replyToAuthorId", ana, "commentId", "c-2"));
        posted(id, reply);
        as(ana).queryParam("verb", "comment:reply").get("/api/projects/{id}/activities", id).then()
                .body("items", hasSize(1))
                .body("items[0].actor.id", equalTo(bob))
                .body("items[0].details.replyToAuthorId", equalTo(ana));
    }

    @Test
    void aMemberPostingAnActivityGets403ProblemJsonAndNothingIsRecorded() {
        String ana = unique("ana");
        String bob = unique("bob");
        String id = project(ana, bob);
        // Only services post activities (@RolesAllowed): the refusal is the same problem+json as every other 403.
        for (String user : List.of(ana, bob)) {
            as(user).body(activity("file:uploaded", user, "file", "f1", "F")).post("/api/projects/{id}/activities", id)
                    .then().statusCode(403).contentType("application/problem+json")
                    .body("type", equalTo("/problems/forbidden"))
                    .body("status", equalTo(403));
        }
        assertEquals(List.of("member:joined", "member:joined"), feedVerbs(ana, id));
    }

    @Test
    void onlyServicesPostAndOnlyForMembers() {
        String ana = unique("ana");
        String stranger = unique("stranger");
        String id = project(ana);
        as(ana).body(activity("file:uploaded", ana, "file", "f1", "F")).post("/api/projects/{id}/activities", id)
                .then().statusCode(403);
        post(id, activity("file:uploaded", stranger, "file", "f1", "F")).statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/actor-not-member"))
                .body("errors[0].field", equalTo("actor.id"));
        post("no-such-project", activity("file:uploaded", ana, "file", "f1", "F")).statusCode(404);
        assertEquals(List.of("member:joined"), feedVerbs(ana, id));
    }

    @Test
    void badActivitiesGet400NamingTheFieldAndStoreNothing() {
        String ana = unique("ana");
        String id = project(ana);
        Map<String, String> cases = Map.of(
                "verb", "{\"verb\":\"made:up\",\"actor\":{\"id\":\"" + ana + "\"},\"target\":{\"type\":\"file\",\"id\":\"f\",\"title\":\"F\"}}",
                "actor.id", "{\"verb\":\"file:uploaded\",\"actor\":{\"id\":\"has space\"},\"target\":{\"type\":\"file\",\"id\":\"f\",\"title\":\"F\"}}",
                "target.title", "{\"verb\":\"file:uploaded\",\"actor\":{\"id\":\"" + ana + "\"},\"target\":{\"type\":\"file\",\"id\":\"f\",\"title\":\"\"}}",
                "target.type", "{\"verb\":\"file:uploaded\",\"actor\":{\"id\":\"" + ana + "\"},\"target\":{\"type\":\"File!\",\"id\":\"f\",\"title\":\"F\"}}",
                "target.link", "{\"verb\":\"file:uploaded\",\"actor\":{\"id\":\"" + ana + "\"},\"target\":{\"type\":\"file\",\"id\":\"f\",\"title\":\"F\",\"link\":\"javascript:alert(1)\"}}",
                "details", "{\"verb\":\"file:uploaded\",\"actor\":{\"id\":\"" + ana + "\"},\"target\":{\"type\":\"file\",\"id\":\"f\",\"title\":\"F\"},\"details\":[1,2]}",
                "occurredAt", "{\"verb\":\"file:uploaded\",\"actor\":{\"id\":\"" + ana + "\"},\"target\":{\"type\":\"file\",\"id\":\"f\",\"title\":\"F\"},\"occurredAt\":\"yesterday\"}",
                "target", "{\"verb\":\"file:uploaded\",\"actor\":{\"id\":\"" + ana + "\"}}");
        cases.forEach((field, json) -> asService().body(json).post("/api/projects/{id}/activities", id).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(field)));
        asService().body("{\"verb\":\"comment:reply\",\"actor\":{\"id\":\"" + ana + "\"},\"target\":{\"type\":\"comment\",\"id\":\"c\",\"title\":\"C\"},\"details\":{\"text\":\"hi\"}}")
                .post("/api/projects/{id}/activities", id).then().statusCode(400)
                .body("errors[0].field", equalTo("details.replyToAuthorId"));
        // The core vocabulary's reserved verbs come from this service's own sources only.
        post(id, activity("member:joined", ana, "project", id, "P")).statusCode(400).body("errors[0].field", equalTo("verb"));
        asService().body("{not json").post("/api/projects/{id}/activities", id).then().statusCode(400)
                .contentType("application/problem+json");
        assertEquals(List.of("member:joined"), feedVerbs(ana, id));
        as(ana).get("/api/projects/{id}/events", id).then().body("lastSeq", equalTo(2));
    }

    @Test
    void concurrentPostsToOneProjectAreAllRecordedEachWithItsOwnSeq() throws Exception {
        String ana = unique("ana");
        String id = project(ana);
        int posts = 16;
        ExecutorService pool = Executors.newFixedThreadPool(posts);
        try {
            List<Future<Integer>> seqs = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                int n = i;
                seqs.add(pool.submit(() -> post(id, activity("file:uploaded", ana, "file", "f" + n, "File " + n))
                        .statusCode(201).extract().<Integer>path("seq")));
            }
            Set<Integer> distinct = new TreeSet<>();
            for (Future<Integer> seq : seqs) {
                distinct.add(seq.get(60, TimeUnit.SECONDS));
            }
            assertEquals(posts, distinct.size());
            assertEquals(3, distinct.iterator().next());
        } finally {
            pool.shutdownNow();
        }
        as(ana).queryParam("verb", "file:uploaded").get("/api/projects/{id}/activities", id).then()
                .body("items", hasSize(posts)).body("items[0].seq", equalTo(posts + 2));
    }

    private static void postAt(String project, String verb, String actor, String target, Instant at) {
        Map<String, Object> body = activity(verb, actor, "track", target, "Track " + target);
        body.put("occurredAt", at.toString());
        posted(project, body);
    }
}
