package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import dev.realtime.testkit.tracing.TracingProfile;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, the edge records one span per event and room fan-out, never one per session, under the producer's
 * span (the record's {@code traceparent}); the frames name the trace where the event started ({@code ce_traceparent}).
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class FanoutSpansTest {
    @TestHTTPResource("/ws")
    URI http;
    @Inject
    MembershipIndex index;
    @Inject
    InMemorySpanExporter spans;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void oneSpanPerEventAndRoomUnderTheProducersSpan() {
        Room conversation = Room.conversation(Edge.unique("c"));
        String alice = Edge.unique("alice");
        String bob = Edge.unique("bob");
        Edge.grant(conversation, alice);
        Edge.grant(conversation, bob);
        await().atMost(WAIT).until(() -> index.isMember(conversation, alice) && index.isMember(conversation, bob));
        String traceId = TraceParent.random().traceId();
        TraceParent started = TraceParent.parse("00-" + traceId + "-00000000000000a1-01").orElseThrow();
        TraceParent relayed = TraceParent.parse("00-" + traceId + "-00000000000000b2-01").orElseThrow();
        TraceParent unsampled = TraceParent.random();

        try (WsTestClient aliceOnce = Edge.connect(ws, alice);
                WsTestClient aliceTwice = Edge.connect(ws, alice);
                WsTestClient bobClient = Edge.connect(ws, bob)) {
            for (WsTestClient client : List.of(aliceOnce, aliceTwice, bobClient)) {
                Edge.subscribeAndAwait(client, "s", conversation.name());
            }
            // Not sampled: no span. Then a sampled one in the same room (same partition, so handled after it).
            IntegrationEvent quiet = Edge.message(conversation, 1, alice, "quiet").withTrace(unsampled);
            Edge.publish(Topics.CHAT_EVENTS, quiet);
            IntegrationEvent traced = Edge.message(conversation, 2, alice, "traced").withTrace(started);
            ProducerRecord<String, byte[]> record = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, traced);
            CloudEventCodec.setHopTrace(record.headers(), relayed);
            Edge.send(record);

            for (WsTestClient client : List.of(aliceOnce, aliceTwice, bobClient)) {
                assertEquals(traceId, client.await(Edge.eventWithId(traced.id()), WAIT).path("traceId").asText());
            }
            SpanData span = await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList(), found -> !found.isEmpty()).get(0);
            assertEquals(List.of(span), spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList(), "one span for three sessions");
            assertEquals(SpanKind.CONSUMER, span.getKind());
            assertEquals("process " + Topics.CHAT_EVENTS, span.getName());
            assertEquals(relayed.parentId(), span.getParentSpanId(), "under the producer's span");
            assertEquals(3L, span.getAttributes().get(AttributeKey.longKey("realtime.fanout.subscribers")));
            assertEquals(3L, span.getAttributes().get(AttributeKey.longKey("realtime.fanout.queued")));
            assertEquals(0L, span.getAttributes().get(AttributeKey.longKey("realtime.fanout.dropped")));
            assertEquals(0L, span.getAttributes().get(AttributeKey.longKey("realtime.fanout.revoked")));
            assertEquals(conversation.name(), span.getAttributes().get(AttributeKey.stringKey("realtime.rooms")));
            assertEquals(traced.id(), span.getAttributes().get(AttributeKey.stringKey("cloudevents.event_id")));
            assertEquals(List.of(), spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(unsampled.traceId())).toList(), "an unsampled trace records nothing");
        }
    }
}
