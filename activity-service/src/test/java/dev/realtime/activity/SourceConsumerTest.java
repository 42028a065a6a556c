package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.project;
import static dev.realtime.activity.ActivityFixtures.send;
import static dev.realtime.activity.ActivityFixtures.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtime.contracts.activity.ActivityNew;
import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.records.RecordChanged;
import dev.realtime.contracts.records.RecordEventTypes;
import dev.realtime.contracts.records.Target;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * chat.events and records.events → the feed, through the real broker: what becomes an activity, that a redelivered
 * source event records nothing twice, and that unusable records are skipped without stopping the consumer.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class SourceConsumerTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final URI CHAT = URI.create("/chat-service");
    static final URI TRACKS = URI.create("/tracks-service");

    @Test
    void aProjectConversationBecomesConversationCreatedAndARedeliveryRecordsNothing() {
        String ana = unique("ana");
        String bob = unique("bob");
        String id = project(ana, bob);
        IntegrationEvent created = conversationCreated(bob, id, "Mix notes");
        send(Topics.CHAT_EVENTS, created);
        send(Topics.CHAT_EVENTS, created); // a redelivery: same CloudEvent source and id
        send(Topics.CHAT_EVENTS, conversationCreated(bob, null, "Not in a project"));

        ConversationCreated data = created.dataAs(ConversationCreated.class);
        String conversation = data.conversationId();
        awaitFeed(ana, id, List.of("conversation:created@" + conversation, "member:joined@" + id, "member:joined@" + id));
        as(ana).get("/api/projects/{id}/activities", id).then()
                .body("items[0].actor.id", equalTo(bob))
                .body("items[0].target.type", equalTo("conversation"))
                .body("items[0].target.id", equalTo(data.conversationId()))
                .body("items[0].target.title", equalTo("Mix notes"))
                .body("items[0].target.link", equalTo("https://app.example.test/projects/" + id + "/chat/"
                        + data.conversationId()))
                .body("items[0].details.participants", equalTo(2));
        // A later event in the same partition is recorded after the duplicate, so the duplicate had its chance to land.
        IntegrationEvent second = conversationCreated(ana, id, "Second");
        send(CloudEventCodec.toRecord(Topics.CHAT_EVENTS, created.room().name(), second));
        awaitFeed(ana, id, List.of("conversation:created@" + second.dataAs(ConversationCreated.class).conversationId(),
                "conversation:created@" + conversation, "member:joined@" + id, "member:joined@" + id));

        try (TopicReader reader = TopicReader.of(Topics.ACTIVITY_EVENTS)) {
            IntegrationEvent live = CloudEventCodec.fromRecord(reader.awaitRecords(r -> ("project:" + id).equals(r.key()),
                    4, WAIT).get(3));
            assertEquals("activity.activity.new.v1", live.type());
            assertEquals("conversation:created", live.dataAs(ActivityNew.class).verb());
        }
    }

    @Test
    void anActivityFromAnotherServicesEventContinuesThatEventsTrace() {
        String ana = unique("ana");
        String id = project(ana);
        TraceParent trace = TraceParent.random();
        IntegrationEvent event = recordChanged(ana, new RecordChanged(new Target("event", "e-7", "Traced", null),
                RecordChanged.CREATED, id, null, null, null)).withTrace(trace);
        send(Topics.RECORDS_EVENTS, event);

        awaitFeed(ana, id, List.of("record:changed@e-7", "member:joined@" + id));
        try (TopicReader reader = TopicReader.of(Topics.ACTIVITY_EVENTS)) {
            IntegrationEvent live = CloudEventCodec.fromRecord(reader.awaitRecords(r -> ("project:" + id).equals(r.key()),
                    3, WAIT).get(2));
            assertEquals("record:changed", live.dataAs(ActivityNew.class).verb());
            assertEquals(trace.traceId(), live.trace().traceId());
        }
    }

    @Test
    void aRecordChangeOfAProjectBecomesRecordChangedOnceEvenWhenRedelivered() {
        String ana = unique("ana");
        String id = project(ana);
        ObjectNode fields = Json.mapper().createObjectNode().put("status", "booked");
        IntegrationEvent event = recordChanged(ana, new RecordChanged(new Target("event", "e-1", "Launch party",
                "https://events.example.test/e-1"), RecordChanged.UPDATED, id, null, "Ana Lima", fields));
        send(Topics.RECORDS_EVENTS, event);
        send(Topics.RECORDS_EVENTS, event);
        send(Topics.RECORDS_EVENTS, recordChanged(ana, new RecordChanged(new Target("event", "e-2", "After party", null),
                RecordChanged.CREATED, id, null, null, null)));

        awaitFeed(ana, id, List.of("record:changed@e-2", "record:changed@e-1", "member:joined@" + id));
        as(ana).get("/api/projects/{id}/activities", id).then()
                .body("items[1].actor.name", equalTo("Ana Lima"))
                .body("items[1].target.title", equalTo("Launch party"))
                // No template for 'event' in the test config: the producer's own https link is kept.
                .body("items[1].target.link", equalTo("https://events.example.test/e-1"))
                .body("items[1].details.change", equalTo("updated"))
                .body("items[1].details.fields.status", equalTo("booked"))
                .body("items[0].actor.name", equalTo(ana))
                .body("items[0].target.link", equalTo("https://app.example.test/projects/" + id + "/event/e-2"));
    }

    @Test
    void unusableSourceEventsAreSkippedAndTheConsumerGoesOn() {
        String ana = unique("ana");
        String stranger = unique("stranger");
        String id = project(ana);
        // Not a CloudEvent at all.
        send(new ProducerRecord<>(Topics.RECORDS_EVENTS, "all", "garbage".getBytes(StandardCharsets.UTF_8)));
        // A CloudEvent whose data is not a RecordChanged.
        send(Topics.RECORDS_EVENTS, new IntegrationEvent(UUID.randomUUID().toString(), TRACKS,
                RecordEventTypes.RECORD_CHANGED.ceType(), OffsetDateTime.now(ZoneOffset.UTC), Room.ALL, null, ana,
                "[1,2,3]".getBytes(StandardCharsets.UTF_8)));
        // A project that does not exist, an actor who is not a member, a record without a title, no actor.
        send(Topics.RECORDS_EVENTS, recordChanged(ana, new RecordChanged(new Target("event", "e-1", "X", null),
                RecordChanged.CREATED, "no-such-project", null, null, null)));
        send(Topics.RECORDS_EVENTS, recordChanged(stranger, new RecordChanged(new Target("event", "e-1", "X", null),
                RecordChanged.CREATED, id, null, null, null)));
        send(Topics.RECORDS_EVENTS, recordChanged(ana, new RecordChanged(new Target("event", "e-1", null, null),
                RecordChanged.CREATED, id, null, null, null)));
        send(Topics.RECORDS_EVENTS, recordChanged(null, new RecordChanged(new Target("event", "e-1", "X", null),
                RecordChanged.CREATED, id, null, null, null)));
        send(Topics.CHAT_EVENTS, conversationCreated(stranger, id, "Sneaky"));
        send(Topics.CHAT_EVENTS, conversationCreated(ana, "not a project id", "Bad id"));
        // Then a good one: it is recorded, so the consumer did not stop at the bad ones.
        send(Topics.RECORDS_EVENTS, recordChanged(ana, new RecordChanged(new Target("event", "e-9", "Good", null),
                RecordChanged.DELETED, id, null, null, null)));

        awaitFeed(ana, id, List.of("record:changed@e-9", "member:joined@" + id));
        as(ana).get("/api/projects/{id}/activities", id).then().body("items[0].target.id", equalTo("e-9"))
                .body("items[0].details.change", equalTo("deleted"));
        // Operators see the skips in the metrics, by topic and kind.
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : List.of("topic=\"records.events\"", "outcome=\"invalid\"", "outcome=\"refused\"")) {
            assertTrue(metrics.lines().anyMatch(line ->
                    line.startsWith("activity_source_events_total") && line.contains(series)), "no metric with " + series);
        }
    }

    static void awaitFeed(String user, String project, List<String> verbs) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertEquals(verbs, feed(user, project)));
    }

    /** The feed as "verb@target id", newest first. */
    static List<String> feed(String user, String project) {
        JsonPath page = as(user).queryParam("limit", 200)
                .get("/api/projects/{id}/activities", project).then().statusCode(200).extract().jsonPath();
        List<String> verbs = page.getList("items.verb");
        List<String> targets = page.getList("items.target.id");
        return IntStream.range(0, verbs.size()).mapToObj(i -> verbs.get(i) + "@" + targets.get(i)).toList();
    }

    static IntegrationEvent conversationCreated(String creator, String projectId, String title) {
        String conversationId = UUID.randomUUID().toString();
        ConversationCreated data = new ConversationCreated(conversationId, title, creator, List.of(creator, "someone"),
                projectId, false, Instant.now());
        return new IntegrationEvent(UUID.randomUUID().toString(), CHAT, ChatEventTypes.CONVERSATION_CREATED.ceType(),
                OffsetDateTime.now(ZoneOffset.UTC), Room.conversation(conversationId), 1L, creator, Json.write(data));
    }

    static IntegrationEvent recordChanged(String actor, RecordChanged data) {
        return new IntegrationEvent(UUID.randomUUID().toString(), TRACKS, RecordEventTypes.RECORD_CHANGED.ceType(),
                OffsetDateTime.now(ZoneOffset.UTC), Room.ALL, null, actor, Json.write(data));
    }
}
