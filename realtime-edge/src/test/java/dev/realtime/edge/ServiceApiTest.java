package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.records.NotificationRequested;
import dev.realtime.contracts.records.Target;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.TopicReader;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server API for services without Kafka, and the operational metrics. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class ServiceApiTest {
    @TestHTTPResource("/ws")
    URI http;
    @Inject
    MembershipIndex index;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    private static String service() {
        return "Bearer " + Edge.token("billing-service", "service");
    }

    @Test
    void aServicePublishesToARoomAndItsSubscribersReceiveTheEvent() {
        Room conversation = Room.conversation(Edge.unique("c"));
        String xena = Edge.unique("xena");
        Edge.grant(conversation, xena);
        await().atMost(WAIT).until(() -> index.isMember(conversation, xena));
        try (WsTestClient client = Edge.connect(ws, xena)) {
            Edge.subscribeAndAwait(client, "s", conversation.name());
            String eventId = given().header("Authorization", service()).contentType("application/json")
                    .body(Map.of("type", "billing.invoice.paid.v1", "data", Map.of("invoice", "inv-7")))
                    .post("/api/v1/rooms/" + conversation.name() + "/events")
                    .then().statusCode(202).body("room", equalTo(conversation.name()))
                    .extract().path("eventId");

            JsonNode frame = client.await(Edge.eventWithId(eventId), WAIT);
            assertEquals("billing.invoice.paid.v1", frame.path("event").asText());
            assertEquals("inv-7", frame.path("data").path("invoice").asText());
        }
    }

    @Test
    void aServiceNamesTheActorOfItsEvent() {
        Room conversation = Room.conversation(Edge.unique("c"));
        String ida = Edge.unique("ida");
        Edge.grant(conversation, ida);
        await().atMost(WAIT).until(() -> index.isMember(conversation, ida));
        try (WsTestClient client = Edge.connect(ws, ida)) {
            Edge.subscribeAndAwait(client, "s", conversation.name());
            String eventId = given().header("Authorization", service()).contentType("application/json")
                    .body(Map.of("type", "records.record.changed.v1", "actor", ida,
                            "data", Map.of("record", Map.of("type", "invoice", "id", "inv-8"), "change", "updated")))
                    .post("/api/v1/rooms/" + conversation.name() + "/events")
                    .then().statusCode(202).extract().path("eventId");

            JsonNode frame = client.await(Edge.eventWithId(eventId), WAIT);
            assertEquals(ida, frame.path("actor").asText());
        }
        given().header("Authorization", service()).contentType("application/json")
                .body(Map.of("type", "records.record.changed.v1", "actor", "not a user", "data", Map.of()))
                .post("/api/v1/rooms/" + conversation.name() + "/events")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("actor"));
        given().header("Authorization", service()).contentType("application/json")
                .body(Map.of("type", "records.record.changed.v1", "actor", 42, "data", Map.of()))
                .post("/api/v1/rooms/" + conversation.name() + "/events")
                .then().statusCode(400).body("detail", containsString("actor"));
    }

    /**
     * A service that repeats a call (its first answer timed out, say) with the same id, and a Kafka producer that
     * writes the same event twice: clients get it once. Events of one room keep their order, so a repeat delivered
     * by mistake would arrive before the next event.
     */
    @Test
    void theSameEventIdTwiceIsDeliveredOnce() {
        Room conversation = Room.conversation(Edge.unique("c"));
        String jay = Edge.unique("jay");
        Edge.grant(conversation, jay);
        await().atMost(WAIT).until(() -> index.isMember(conversation, jay));
        String path = "/api/v1/rooms/" + conversation.name() + "/events";
        try (WsTestClient client = Edge.connect(ws, jay)) {
            Edge.subscribeAndAwait(client, "s", conversation.name());
            String repeated = Edge.unique("invoice-paid");
            for (int call = 0; call < 2; call++) {
                given().header("Authorization", service()).contentType("application/json")
                        .body(Map.of("type", "billing.invoice.paid.v1", "id", repeated, "data", Map.of("n", call)))
                        .post(path).then().statusCode(202).body("eventId", equalTo(repeated));
            }
            IntegrationEvent fromKafka = Edge.event(conversation, "billing.invoice.sent.v1", null, Map.of("n", 2));
            Edge.publish(Topics.RECORDS_EVENTS, fromKafka);
            Edge.publish(Topics.RECORDS_EVENTS, fromKafka);
            String last = given().header("Authorization", service()).contentType("application/json")
                    .body(Map.of("type", "billing.invoice.paid.v1", "data", Map.of("n", 3)))
                    .post(path).then().statusCode(202).extract().path("eventId");

            client.await(Edge.eventWithId(last), WAIT);
            List<String> received = client.received().stream()
                    .filter(frame -> "event".equals(frame.path("type").asText()))
                    .map(frame -> frame.path("eventId").asText()).toList();
            assertEquals(List.of(repeated, fromKafka.id(), last), received);
        }
    }

    /**
     * A service without Kafka asks for notifications: the edge puts the same record on records.events a Kafka
     * producer would (type, source naming the caller, key and ce_room the audience's first room, ce_actor, the
     * request as data), and refuses a request notification-service would skip, with the reason, publishing nothing.
     */
    @Test
    void aServiceRequestsNotificationsAsAKafkaProducerWouldAndBadRequestsPublishNothing() {
        String caller = Edge.unique("importer");
        String token = "Bearer " + Edge.token(caller, "service");
        String kim = Edge.unique("kim");
        Map<String, Object> good = Map.of("requestId", "import-77", "audience", Map.of("users", List.of(kim)),
                "type", "import:done", "title", "Contacts import finished", "body", "All 42 rows imported",
                "actorId", "ops-bot", "actorName", "Ops bot",
                "target", Map.of("type", "import", "id", "imp-77", "title", "Contacts", "link", "/imports/imp-77"));
        try (TopicReader records = TopicReader.of(Topics.RECORDS_EVENTS)) {
            String eventId = given().header("Authorization", token).contentType("application/json").body(good)
                    .post("/api/v1/notifications")
                    .then().statusCode(202).body("requestId", equalTo("import-77")).extract().path("eventId");

            List<Map<String, Object>> refused = List.of(
                    Map.of("audience", Map.of(), "type", "import:done", "title", "t"),
                    Map.of("audience", Map.of("users", List.of("not a user")), "type", "import:done", "title", "t"),
                    Map.of("audience", Map.of("users", "one-user"), "type", "import:done", "title", "t"),
                    Map.of("audience", Map.of("all", true), "type", "Import Done", "title", "t"),
                    Map.of("audience", Map.of("all", true), "type", "import:done", "title", ""),
                    Map.of("audience", Map.of("all", true), "type", "import:done", "title", "x".repeat(201)),
                    Map.of("audience", Map.of("all", true), "type", "import:done", "title", "t",
                            "body", "x".repeat(2001)),
                    Map.of("audience", Map.of("all", true), "type", "import:done", "title", "t", "requestId", ""));
            List<String> fields = List.of("audience", "audience.users", "audience.users", "type", "title", "title",
                    "body", "requestId");
            for (int i = 0; i < refused.size(); i++) {
                given().header("Authorization", token).contentType("application/json").body(refused.get(i))
                        .post("/api/v1/notifications")
                        .then().statusCode(400).contentType("application/problem+json")
                        .body("type", equalTo("/problems/invalid-request"))
                        .body("detail", containsString(fields.get(i) + ":"));
            }
            given().header("Authorization", token).contentType("application/json").body("[1]")
                    .post("/api/v1/notifications").then().statusCode(400);
            given().header("Authorization", "Bearer " + Edge.token(kim, "user")).contentType("application/json")
                    .body(good).post("/api/v1/notifications").then().statusCode(403);
            // Without a requestId the event id is the idempotency key, and the answer says so.
            JsonPath last = given().header("Authorization", token).contentType("application/json")
                    .body(Map.of("audience", Map.of("roles", List.of("support")), "type", "import:done",
                            "title", "Last one"))
                    .post("/api/v1/notifications")
                    .then().statusCode(202).extract().jsonPath();
            String lastId = last.getString("eventId");
            assertEquals(lastId, last.getString("requestId"));

            URI source = URI.create("/realtime-edge/api/" + caller);
            Predicate<ConsumerRecord<String, byte[]>> fromCaller = r -> CloudEventCodec.fromRecord(r).source()
                    .equals(source);
            records.awaitRecords(r -> CloudEventCodec.fromRecord(r).id().equals(lastId), 1, WAIT);
            List<ConsumerRecord<String, byte[]>> published = records.awaitRecords(fromCaller, 2, WAIT);
            assertEquals(2, published.size(), "the refused requests published nothing");
            ConsumerRecord<String, byte[]> first = published.get(0);
            IntegrationEvent event = CloudEventCodec.fromRecord(first);
            assertEquals(eventId, event.id());
            assertEquals("records.notification.requested.v1", event.type());
            assertEquals("user:" + kim, first.key());
            assertEquals(Room.user(kim), event.room());
            assertEquals("ops-bot", event.actor());
            NotificationRequested data = event.dataAs(NotificationRequested.class);
            assertEquals(new NotificationRequested("import-77", Audience.ofUsers(kim), "import:done",
                    "Contacts import finished", "All 42 rows imported", "ops-bot", "Ops bot",
                    new Target("import", "imp-77", "Contacts", "/imports/imp-77")), data);
            assertEquals("role:support", published.get(1).key());
        }
    }

    @Test
    void onlyServicesMayCallTheApiAndBadRequestsAreProblems() {
        String path = "/api/v1/rooms/all/events";
        Map<String, Object> body = Map.of("type", "records.announcement.v1", "data", Map.of("x", 1));
        given().contentType("application/json").body(body).post(path).then().statusCode(401);
        given().header("Authorization", "Bearer " + Edge.token("yuri", "user")).contentType("application/json")
                .body(body).post(path).then().statusCode(403);

        given().header("Authorization", service()).contentType("application/json").body(body)
                .post("/api/v1/rooms/lobby/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-request")).body("status", equalTo(400));
        given().header("Authorization", service()).contentType("application/json")
                .body(Map.of("type", "realtime.presence.v1", "data", Map.of()))
                .post(path).then().statusCode(400).body("type", equalTo("/problems/invalid-request"));
        given().header("Authorization", service()).contentType("application/json")
                .body(Map.of("type", "x.y.v1", "data", "not an object"))
                .post(path).then().statusCode(400).body("detail", containsString("data"));
        given().header("Authorization", service()).contentType("application/json").body("{\"type\": ")
                .post(path).then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("/problems/malformed-json"));
    }

    @Test
    void aServiceDisconnectsAUserAndReadsARoomsOccupancy() {
        Room conversation = Room.conversation(Edge.unique("c"));
        String zoe = Edge.unique("zoe");
        String abe = Edge.unique("abe");
        Edge.grant(conversation, zoe);
        Edge.grant(conversation, abe);
        await().atMost(WAIT).until(() -> index.isMember(conversation, zoe) && index.isMember(conversation, abe));
        try (WsTestClient zoeClient = Edge.connect(ws, zoe);
                WsTestClient zoeTablet = Edge.connect(ws, zoe);
                WsTestClient abeClient = Edge.connect(ws, abe)) {
            Edge.subscribeAndAwait(zoeClient, "s", conversation.name());
            Edge.subscribeAndAwait(abeClient, "s", conversation.name());

            given().header("Authorization", service()).get("/api/v1/rooms/" + conversation.name() + "/occupancy")
                    .then().statusCode(200)
                    .body("connections", equalTo(2))
                    .body("users", hasItem(zoe)).body("users", hasItem(abe))
                    .body("online", hasItem(zoe));

            given().header("Authorization", service()).post("/api/v1/users/" + zoe + "/disconnect")
                    .then().statusCode(202).body("user", equalTo(zoe));
            assertEquals(4003, zoeClient.awaitClose(WAIT));
            assertEquals(4003, zoeTablet.awaitClose(WAIT));
            assertEquals("ack", Edge.subscribeAndAwait(abeClient, "a", "all").path("type").asText());
            await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", service())
                    .get("/api/v1/rooms/" + conversation.name() + "/occupancy")
                    .then().body("connections", equalTo(1)));
            given().header("Authorization", service()).post("/api/v1/users/not a user/disconnect")
                    .then().statusCode(400).contentType("application/problem+json");
        }
    }

    @Test
    void theMetricsCoverConnectionsSubscriptionsDeliveriesQueuesAndLag() {
        try (WsTestClient client = Edge.connect(ws, Edge.unique("bea"))) {
            Edge.subscribeAndAwait(client, "bad", "lobby");
            String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
            for (String name : new String[] {"realtime_edge_sessions", "realtime_edge_subscriptions",
                    "realtime_edge_rooms", "realtime_edge_frames_delivered_total", "realtime_edge_consumer_lag",
                    "realtime_edge_presence_online", "realtime_edge_frames_refused_total{code=\"room.not_found\""}) {
                assertThat(metrics, containsString(name));
            }
            // An open WebSocket is counted by realtime_edge_sessions only: no HTTP-server series for its path, whose
            // long-task-timer sample would cost every idle connection memory (application.properties).
            assertThat(metrics, not(containsString("uri=\"/ws\"")));
            // Nor a duration sample per TCP connection (metrics.ConnectionDurations); their count stays.
            assertThat(metrics, not(containsString("http_server_connections_seconds")));
            assertThat(metrics, containsString("http_server_active_connections"));
        }
    }
}
