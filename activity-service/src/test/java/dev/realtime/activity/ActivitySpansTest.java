package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.project;
import static dev.realtime.activity.ActivityFixtures.send;
import static dev.realtime.activity.ActivityFixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.records.RecordChanged;
import dev.realtime.contracts.records.Target;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, activity-service's events continue the trace of what caused them: a REST command's under its
 * server span, an activity recorded from another service's event under the consumer's span of that event.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ActivitySpansTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aCommandIsSentUnderItsRequestsSpan() {
        String ana = unique("ana");
        String id = project(ana);
        TraceParent caller = sampled("00000000000000d4");
        as(ana).header("traceparent", caller.format()).body(Map.of("title", "Renamed"))
                .patch("/api/projects/{id}", id).then().statusCode(200);

        SpanData server = awaitSpan(caller.traceId(), span -> span.getKind() == SpanKind.SERVER);
        assertEquals(caller.parentId(), server.getParentSpanId());
        SpanData send = awaitSpan(caller.traceId(), span -> span.getKind() == SpanKind.PRODUCER);
        assertEquals("send " + Topics.ACTIVITY_EVENTS, send.getName());
        assertEquals(server.getSpanId(), send.getParentSpanId());
    }

    @Test
    void anActivityFromAnotherServicesEventIsSentUnderTheConsumersSpan() {
        String ana = unique("ana");
        String id = project(ana);
        TraceParent producer = sampled("00000000000000e5");
        send(Topics.RECORDS_EVENTS, SourceConsumerTest.recordChanged(ana, new RecordChanged(
                new Target("event", "e-9", "Traced", null), RecordChanged.CREATED, id, null, null, null))
                .withTrace(producer));

        SpanData process = awaitSpan(producer.traceId(), span -> span.getKind() == SpanKind.CONSUMER
                && span.getAttributes().get(AttributeKey.stringKey("cloudevents.event_id")) != null);
        assertEquals("process " + Topics.RECORDS_EVENTS, process.getName());
        assertEquals(producer.parentId(), process.getParentSpanId());
        SpanData send = awaitSpan(producer.traceId(), span -> span.getKind() == SpanKind.PRODUCER);
        assertEquals(process.getSpanId(), send.getParentSpanId());
    }

    private static TraceParent sampled(String parentId) {
        return TraceParent.parse("00-" + TraceParent.random().traceId() + "-" + parentId + "-01").orElseThrow();
    }

    private SpanData awaitSpan(String traceId, Predicate<SpanData> wanted) {
        return Awaitility.await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId)).filter(wanted).toList(), found -> found.size() == 1)
                .get(0);
    }
}
