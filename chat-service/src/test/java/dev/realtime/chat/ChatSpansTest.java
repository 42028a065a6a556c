package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import dev.realtime.testkit.tracing.TracingProfile;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, a post is one trace from the caller's request to the Kafka record: Quarkus's server span continues
 * the caller's {@code traceparent}, the event stores that span, and the relay's {@code send chat.events} span is its
 * child, ends once the record is committed, and is the record's {@code traceparent}; {@code ce_traceparent} keeps the
 * server span (where the event's transmission started).
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ChatSpansTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aPostIsOneTraceFromTheCallersRequestToTheRelaysSend() {
        String alice = ChatFixtures.user("alice");
        String conversation = ChatFixtures.conversation(alice, "bob");
        TraceParent caller = TraceParent.parse("00-" + TraceParent.random().traceId() + "-00f067aa0ba902b7-01")
                .orElseThrow();
        String message = as(alice).header("traceparent", caller.format()).body(Map.of("text", "traced"))
                .post("/api/conversations/{id}/messages", conversation).then().statusCode(201).extract().path("id");

        SpanData server = awaitSpan(span -> span.getTraceId().equals(caller.traceId()) && span.getKind() == SpanKind.SERVER);
        assertEquals(caller.parentId(), server.getParentSpanId(), "the server span continues the caller's");
        SpanData send = awaitSpan(span -> span.getTraceId().equals(caller.traceId()) && span.getKind() == SpanKind.PRODUCER);
        assertEquals("send " + Topics.CHAT_EVENTS, send.getName());
        assertEquals(server.getSpanId(), send.getParentSpanId(), "the relay's span is the request's child");
        assertEquals("conversation:" + conversation, send.getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals("eventstore.stream_id")).findFirst().orElseThrow().getValue());

        try (TopicReader reader = TopicReader.of(Topics.CHAT_EVENTS)) {
            ConsumerRecord<String, byte[]> record = reader.awaitRecords(r -> ("conversation:" + conversation).equals(r.key())
                    && new String(r.value(), StandardCharsets.UTF_8).contains(message), 1, WAIT).get(0);
            assertEquals("00-" + caller.traceId() + "-" + send.getSpanId() + "-01", header(record, "traceparent"));
            assertEquals("00-" + caller.traceId() + "-" + server.getSpanId() + "-01", header(record, "ce_traceparent"));
        }
    }

    private SpanData awaitSpan(Predicate<SpanData> wanted) {
        return Awaitility.await().atMost(WAIT).until(
                () -> spans.getFinishedSpanItems().stream().filter(wanted).toList(), found -> found.size() == 1).get(0);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.US_ASCII);
    }
}
