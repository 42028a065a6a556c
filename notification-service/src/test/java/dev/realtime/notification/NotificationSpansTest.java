package dev.realtime.notification;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.notification.NotificationNew;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import dev.realtime.testkit.tracing.TracingProfile;
import io.opentelemetry.api.common.AttributeKey;
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
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, a chat message's notifications continue its trace: the consumer's {@code process chat.events} span
 * is the child of the record's producer span, lasts until the message is handled, and each recipient's notification
 * is published by a {@code send notification.events} span under it, so one trace runs from the chat request to every
 * inbox's live event.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class NotificationSpansTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("cloudevents.event_id");

    @Inject
    InMemorySpanExporter spans;

    @Test
    void eachNotificationIsSentUnderTheSpanOfTheConsumerThatMadeIt() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String carol = Sources.user("carol");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Traced", alice, List.of(alice, bob, carol), null);
        TraceParent producer = TraceParent.parse("00-" + TraceParent.random().traceId() + "-00000000000000c3-01")
                .orElseThrow();
        String eventId = Sources.messageNew(Sources.id(), Sources.message(conversation, alice, "traced", List.of()),
                producer);

        SpanData process = awaitSpans(span -> span.getKind() == SpanKind.CONSUMER
                && eventId.equals(span.getAttributes().get(EVENT_ID)), producer.traceId(), 1).get(0);
        assertEquals("process " + Topics.CHAT_EVENTS, process.getName());
        assertEquals(producer.parentId(), process.getParentSpanId(), "under the producer's span");
        List<SpanData> sends = awaitSpans(span -> span.getKind() == SpanKind.PRODUCER, producer.traceId(), 2);
        for (SpanData send : sends) {
            assertEquals("send " + Topics.NOTIFICATION_EVENTS, send.getName());
            assertEquals(process.getSpanId(), send.getParentSpanId(), "each notification under the consumer's span");
        }
        // Each recipient's append runs on a worker of the fan-out: its SQL is in the trace, under the consumer's span.
        List<SpanData> appends = awaitSpans(span -> span.getKind() == SpanKind.CLIENT
                && span.getName().startsWith("INSERT es_events"), producer.traceId(), 2);
        for (SpanData append : appends) {
            assertEquals(process.getSpanId(), append.getParentSpanId(), "the inbox append's SQL under the consumer");
        }

        try (TopicReader reader = TopicReader.of(Topics.NOTIFICATION_EVENTS)) {
            for (String member : List.of(bob, carol)) {
                ConsumerRecord<String, byte[]> record = reader.awaitRecords(r -> ("user:" + member).equals(r.key())
                        && eventId.equals(CloudEventCodec.fromRecord(r).dataAs(NotificationNew.class).sourceEventId()),
                        1, WAIT).get(0);
                assertEquals("00-" + producer.traceId() + "-" + process.getSpanId() + "-01",
                        header(record, "ce_traceparent"), "the notification's transmission starts at the consumer");
                String hop = header(record, "traceparent");
                assertEquals(1, sends.stream().filter(send -> hop.equals("00-" + producer.traceId() + "-"
                        + send.getSpanId() + "-01")).count(), "the record's hop is one of the send spans");
            }
        }
    }

    private List<SpanData> awaitSpans(Predicate<SpanData> wanted, String traceId, int count) {
        return Awaitility.await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId)).filter(wanted).toList(), found -> found.size() == count);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.US_ASCII);
    }
}
