package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.activity;
import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.asService;
import static dev.realtime.activity.ActivityFixtures.feedVerbs;
import static dev.realtime.activity.ActivityFixtures.post;
import static dev.realtime.activity.ActivityFixtures.posted;
import static dev.realtime.activity.ActivityFixtures.project;
import static dev.realtime.activity.ActivityFixtures.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.contracts.activity.ActivityNew;
import dev.realtime.contracts.activity.MemberChanged;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.history.RoomEvent;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.rooms.RoomKind;
import dev.realtime.testkit.CorsChecks;
import dev.realtime.testkit.HistoryReaderChecks;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Projects and members over REST, their live events and membership records, and who may see and do what. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ProjectApiTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theDemoOriginMayCallTheApiFromABrowserAndOtherOriginsMayNot() {
        CorsChecks.demoOriginAllowedOthersRefused("/api/projects");
    }

    @Test
    void aCreatedProjectIsOwnedByItsCreatorWhoseJoiningIsTheFirstActivity() {
        String ana = unique("ana");
        String id = as(ana).body(Map.of("id", unique("p"), "title", "Summer EP")).post("/api/projects")
                .then().statusCode(201)
                .body("title", equalTo("Summer EP"))
                .body("myRole", equalTo("owner"))
                .body("version", equalTo(2))
                .extract().path("id");
        as(ana).get("/api/projects/{id}/activities", id).then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].verb", equalTo("member:joined"))
                .body("items[0].seq", equalTo(2))
                .body("items[0].actor.id", equalTo(ana))
                .body("items[0].target.type", equalTo("project"))
                .body("items[0].target.title", equalTo("Summer EP"))
                .body("items[0].target.link", equalTo("https://app.example.test/projects/" + id))
                .body("items[0].details.role", equalTo("owner"));
        as(ana).get("/api/projects").then().statusCode(200).body("id", hasItem(id));
        as(ana).body(Map.of("id", id, "title", "Again")).post("/api/projects").then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo("/problems/project-exists"));
    }

    @Test
    void membershipChangesArePublishedAsLiveEventsAndAsRoomMemberships() {
        String ana = unique("ana");
        String bob = unique("bob");
        String id = project(ana);
        as(ana).body(Map.of("userId", bob, "displayName", "Bob B")).post("/api/projects/{id}/members", id)
                .then().statusCode(200).body("userId", hasItem(bob));
        as(bob).post("/api/projects/{id}/leave", id).then().statusCode(204);

        String room = "project:" + id;
        try (TopicReader reader = TopicReader.of(Topics.ACTIVITY_EVENTS)) {
            List<IntegrationEvent> events = reader.awaitRecords(r -> room.equals(r.key()), 4, WAIT).stream()
                    .map(CloudEventCodec::fromRecord).toList();
            assertEquals(List.of("activity.project.created.v1", "activity.member.joined.v1", "activity.member.joined.v1",
                    "activity.member.left.v1"), events.stream().map(IntegrationEvent::type).toList());
            assertEquals(List.of(1L, 2L, 3L, 4L), events.stream().map(IntegrationEvent::seq).toList());
            MemberChanged joined = events.get(2).dataAs(MemberChanged.class);
            assertEquals(bob, joined.userId());
            assertEquals("member", joined.role());
            assertEquals(ana, joined.actor().id());
            assertEquals("Project of " + ana, joined.projectTitle());
            MemberChanged left = events.get(3).dataAs(MemberChanged.class);
            assertEquals(bob, left.userId());
            assertEquals(bob, left.actor().id());
        }
        try (TopicReader reader = TopicReader.of(Topics.MEMBERSHIPS)) {
            List<ConsumerRecord<String, byte[]>> records = reader.awaitRecords(r -> r.key().startsWith(room + "|"), 3, WAIT);
            // Keys spread over partitions: order holds per key only.
            List<ConsumerRecord<String, byte[]>> anas = records.stream().filter(r -> r.key().equals(room + "|" + ana)).toList();
            List<ConsumerRecord<String, byte[]>> bobs = records.stream().filter(r -> r.key().equals(room + "|" + bob)).toList();
            assertEquals(1, anas.size());
            assertEquals("owner", CloudEventCodec.fromRecord(anas.get(0)).dataAs(Membership.Value.class).role());
            assertEquals(List.of(true, false), bobs.stream().map(r -> r.value() != null).toList());
            assertEquals("member", CloudEventCodec.fromRecord(bobs.get(0)).dataAs(Membership.Value.class).role());
        }
        // A former member is a stranger again.
        as(bob).get("/api/projects/{id}/activities", id).then().statusCode(404);
        assertEquals(List.of("member:left", "member:joined", "member:joined"), feedVerbs(ana, id));
    }

    @Test
    void aPostedActivityIsPublishedAsActivityNewWithItsDeepLink() {
        String ana = unique("ana");
        String id = project(ana);
        Map<String, Object> body = activity("comment:created", ana, "track", "t 7", "Track 7");
        body.put("details", Map.of("commentId", "cm-1"));
        String activityId = posted(id, body);
        try (TopicReader reader = TopicReader.of(Topics.ACTIVITY_EVENTS)) {
            IntegrationEvent event = CloudEventCodec.fromRecord(reader.awaitRecords(
                    r -> ("project:" + id).equals(r.key()) && r.headers().lastHeader("ce_type") != null
                            && new String(r.headers().lastHeader("ce_type").value()).equals("activity.activity.new.v1"),
                    1, WAIT).get(0));
            assertEquals(3L, event.seq());
            assertEquals(ana, event.actor());
            ActivityNew data = event.dataAs(ActivityNew.class);
            assertEquals(activityId, data.activityId());
            assertEquals("comment:created", data.verb());
            assertEquals("https://app.example.test/projects/" + id + "/tracks/t%207", data.target().link());
            assertEquals("cm-1", data.details().get("commentId").asText());
        }
    }

    @Test
    void aHistoryReaderReadsTheEventsForAMemberOnly() {
        String ana = unique("ana");
        String id = project(ana);
        HistoryReaderChecks.onlyAHistoryReaderReadsForAMember(RoomKind.PROJECT.historyPath(id).orElseThrow(), ana,
                unique("mallory"));
    }

    @Test
    void theEventsAfterASeqServeTheResumeOfTheProjectRoom() {
        String ana = unique("ana");
        String id = project(ana);
        for (int i = 1; i <= 4; i++) {
            posted(id, activity("file:uploaded", ana, "file", "f" + i, "File " + i));
        }
        // At the path the edge reads it from, in the type the edge reads it as.
        byte[] body = as(ana).queryParam(RoomEventPage.AFTER, 3).queryParam(RoomEventPage.LIMIT, 2)
                .get(RoomKind.PROJECT.historyPath(id).orElseThrow())
                .then().statusCode(200)
                .body("items.seq", equalTo(List.of(4, 5)))
                .body("items[0].event", equalTo("activity:new"))
                .body("items[0].room", equalTo("project:" + id))
                .body("items[0].data.target.id", equalTo("f2"))
                .body("lastSeq", equalTo(5))
                .body("hasMore", equalTo(true))
                .body("head", equalTo(6))
                .extract().asByteArray();
        RoomEventPage page = Json.read(body, RoomEventPage.class);
        assertEquals(List.of(4L, 5L), page.items().stream().map(RoomEvent::seq).toList());
        assertEquals("activity:new", page.items().get(0).event());
        assertEquals(5, page.lastSeq());
        assertEquals(6L, page.head());
        as(ana).queryParam("after", 0).get("/api/projects/{id}/events", id).then().statusCode(200)
                .body("items.event", equalTo(List.of("project:created", "member:joined", "activity:new", "activity:new",
                        "activity:new", "activity:new")))
                .body("hasMore", equalTo(false));
    }

    @Test
    void aNonMemberGetsTheSame404AsForAProjectThatDoesNotExist() {
        String ana = unique("ana");
        String mallory = unique("mallory");
        String id = project(ana);
        for (String project : List.of(id, "no-such-project", "not%20an%20id")) {
            for (String path : List.of("", "/activities", "/events", "/members", "/seen")) {
                as(mallory).get("/api/projects/{id}" + path, project).then().statusCode(404)
                        .contentType("application/problem+json")
                        .body("type", equalTo("/problems/not-found"))
                        .body("detail", equalTo("No such project."));
            }
            as(mallory).body(Map.of("userId", mallory)).post("/api/projects/{id}/members", project).then().statusCode(404);
            as(mallory).body(Map.of("seq", 1)).put("/api/projects/{id}/seen", project).then().statusCode(404);
            as(mallory).body(Map.of("title", "mine")).patch("/api/projects/{id}", project).then().statusCode(404);
        }
        // A service is not a member either: it may record activities but not read feeds.
        asService().get("/api/projects/{id}/activities", id).then().statusCode(404);
        as(ana).get("/api/projects").then().statusCode(200).body("id", hasItem(id));
        as(mallory).get("/api/projects").then().statusCode(200).body("id", not(hasItem(id)));
        assertEquals(List.of("member:joined"), feedVerbs(ana, id));
    }

    @Test
    void onlyOwnersAndAdminsManageMembersAndOnlyTheOwnerMakesAdmins() {
        String ana = unique("ana");
        String bob = unique("bob");
        String carol = unique("carol");
        String dave = unique("dave");
        String id = project(ana, bob);
        as(bob).body(Map.of("userId", carol)).post("/api/projects/{id}/members", id).then().statusCode(403)
                .contentType("application/problem+json").body("type", equalTo("/problems/forbidden"));
        as(bob).delete("/api/projects/{id}/members/{user}", id, ana).then().statusCode(403);
        as(bob).body(Map.of("title", "Mine now")).patch("/api/projects/{id}", id).then().statusCode(403);
        as(bob).body(Map.of("role", "admin")).patch("/api/projects/{id}/members/{user}", id, bob).then().statusCode(403);

        as(ana).body(Map.of("role", "admin")).patch("/api/projects/{id}/members/{user}", id, bob).then().statusCode(200)
                .body("find { it.userId == '" + bob + "' }.role", equalTo("admin"));
        as(bob).body(Map.of("userId", carol)).post("/api/projects/{id}/members", id).then().statusCode(200);
        as(bob).body(Map.of("userId", dave, "role", "admin")).post("/api/projects/{id}/members", id).then().statusCode(403);
        as(bob).delete("/api/projects/{id}/members/{user}", id, carol).then().statusCode(204);
        as(bob).delete("/api/projects/{id}/members/{user}", id, ana).then().statusCode(403);
        as(ana).post("/api/projects/{id}/leave", id).then().statusCode(409)
                .body("type", equalTo("/problems/owner-cannot-leave"));

        as(ana).get("/api/projects/{id}/members", id).then().statusCode(200)
                .body("userId", equalTo(List.of(ana, bob)))
                .body("role", equalTo(List.of("owner", "admin")));
        as(ana).get("/api/projects/{id}/activities", id).then().statusCode(200)
                .body("items.verb", equalTo(List.of("member:left", "member:joined", "member:joined", "member:joined")))
                .body("items[0].actor.id", equalTo(carol))
                .body("items[0].details.by.id", equalTo(bob))
                .body("items[1].actor.id", equalTo(carol));
    }

    /**
     * Every change of a project waits for the project's turn (eventstore's CommandRunner); one that does not get it
     * within eventstore.commands.turn-wait (5 s here) is refused with 503 and Retry-After and changes nothing. The
     * test holds the turn itself, as a stuck writer of another instance would.
     */
    @Test
    void aChangeThatDoesNotGetTheProjectsTurnGets503WithRetryAfterAndChangesNothing() throws Exception {
        String ana = unique("ana");
        String id = project(ana);
        try (Connection holder = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class), "postgres", "")) {
            holder.setAutoCommit(false);
            try (PreparedStatement turn = holder.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                turn.setString(1, "project:" + id);
                turn.execute();
            }
            as(ana).body(Map.of("title", "Renamed while busy")).patch("/api/projects/{id}", id).then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", "1")
                    .body("type", equalTo("/problems/stream-busy"));
            holder.commit();
        }
        as(ana).get("/api/projects/{id}", id).then().statusCode(200).body("title", equalTo("Project of " + ana));
        as(ana).body(Map.of("title", "Renamed after")).patch("/api/projects/{id}", id).then().statusCode(200)
                .body("title", equalTo("Renamed after"));
    }

    @Test
    void renameAndArchiveArePublishedAndAnArchivedProjectRecordsNothingNew() {
        String ana = unique("ana");
        String id = project(ana);
        as(ana).body(Map.of("title", "Final title")).patch("/api/projects/{id}", id).then().statusCode(200)
                .body("title", equalTo("Final title"));
        as(ana).post("/api/projects/{id}/archive", id).then().statusCode(200).body("archived", equalTo(true));
        post(id, activity("file:uploaded", ana, "file", "f1", "File")).statusCode(409)
                .contentType("application/problem+json").body("type", equalTo("/problems/project-archived"));
        as(ana).body(Map.of("userId", unique("bob"))).post("/api/projects/{id}/members", id).then().statusCode(409);
        try (TopicReader reader = TopicReader.of(Topics.ACTIVITY_EVENTS)) {
            List<IntegrationEvent> events = reader.awaitRecords(r -> ("project:" + id).equals(r.key()), 4, WAIT).stream()
                    .map(CloudEventCodec::fromRecord).toList();
            assertEquals("activity.project.renamed.v1", events.get(2).type());
            assertEquals("activity.project.archived.v1", events.get(3).type());
        }
        assertEquals(List.of("member:joined"), feedVerbs(ana, id));
    }

    @Test
    void badProjectInputGets400NamingTheFieldAndStoresNothing() {
        String ana = unique("ana");
        as(ana).body(Map.of("title", "")).post("/api/projects").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("title"));
        as(ana).body(Map.of("title", "ok", "id", "has space")).post("/api/projects").then().statusCode(400)
                .body("errors.field", hasItem("id"));
        as(ana).body(Map.of("title", List.of("x"))).post("/api/projects").then().statusCode(400)
                .body("errors[0].field", equalTo("title"));
        String id = project(ana);
        as(ana).body(Map.of("userId", "has space")).post("/api/projects/{id}/members", id).then().statusCode(400)
                .body("errors.field", hasItem("userId"));
        as(ana).body(Map.of("userId", "x", "role", "owner")).post("/api/projects/{id}/members", id).then().statusCode(400)
                .body("errors.field", hasItem("role"));
        as(ana).get("/api/projects").then().statusCode(200).body("id", equalTo(List.of(id)));
        as(ana).get("/api/projects/{id}/members", id).then().body("userId", equalTo(List.of(ana)));
    }

    @Test
    void requestsWithoutAValidTokenAre401() {
        given().contentType(ContentType.JSON).body(Map.of("title", "x")).post("/api/projects").then().statusCode(401);
        given().auth().oauth2("not-a-jwt").get("/api/projects/x/activities").then().statusCode(401);
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        String doc = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().asString();
        for (String path : List.of("/api/projects", "/api/projects/{id}/activities", "/api/projects/{id}/events",
                "/api/projects/{id}/members", "/api/projects/{id}/seen")) {
            if (!doc.contains("\"" + path + "\"")) {
                throw new AssertionError("OpenAPI document lacks " + path);
            }
        }
    }
}
