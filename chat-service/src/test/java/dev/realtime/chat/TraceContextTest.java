package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A command's events continue the caller's W3C trace: stored with the event, on the Kafka record (the CloudEvents
 * distributed-tracing extension and the {@code traceparent} header) and in the resume page the edge replays from.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class TraceContextTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void eachCommandsEventsCarryItsCallersTraceToKafkaAndTheResumePage() {
        String alice = ChatFixtures.user("alice");
        TraceParent create = TraceParent.random();
        TraceParent post = TraceParent.parse("00-" + TraceParent.random().traceId() + "-00f067aa0ba902b7-01").orElseThrow();
        TraceParent edit = TraceParent.random();
        String conversation = as(alice).header("traceparent", create.format())
                .body(Map.of("title", "Traced", "participants", List.of("bob")))
                .post("/api/conversations").then().statusCode(201).extract().path("id");
        String message = as(alice).header("traceparent", post.format()).body(Map.of("text", "traced"))
                .post("/api/conversations/{id}/messages", conversation).then().statusCode(201).extract().path("id");
        as(alice).header("traceparent", edit.format()).body(Map.of("text", "edited"))
                .patch("/api/conversations/{id}/messages/{m}", conversation, message).then().statusCode(200);
        // No header, and a malformed one: neither refuses the command; each starts a trace of its own.
        ChatFixtures.posted(alice, conversation, "untraced");
        as(alice).header("traceparent", "00-garbage").body(Map.of("text", "badly traced"))
                .post("/api/conversations/{id}/messages", conversation).then().statusCode(201);

        try (TopicReader reader = TopicReader.of(Topics.CHAT_EVENTS)) {
            List<ConsumerRecord<String, byte[]>> records = reader.awaitRecords(
                    r -> ("conversation:" + conversation).equals(r.key()), 5, WAIT);
            List<IntegrationEvent> events = records.stream().map(CloudEventCodec::fromRecord).toList();
            assertEquals(create, events.get(0).trace());
            assertEquals(post, events.get(1).trace());
            assertEquals(edit, events.get(2).trace());
            assertEquals(post.format(), new String(records.get(1).headers().lastHeader("traceparent").value(),
                    StandardCharsets.US_ASCII));
            TraceParent untraced = events.get(3).trace();
            TraceParent badlyTraced = events.get(4).trace();
            assertNotNull(untraced);
            assertNotNull(badlyTraced);
            assertNotEquals(untraced.traceId(), badlyTraced.traceId());
            assertNotEquals(post.traceId(), untraced.traceId());
        }
        List<String> traceIds = as(alice).get("/api/conversations/{id}/events", conversation)
                .then().statusCode(200).extract().path("items.traceId");
        assertEquals(List.of(create.traceId(), post.traceId(), edit.traceId()), traceIds.subList(0, 3));
    }
}
