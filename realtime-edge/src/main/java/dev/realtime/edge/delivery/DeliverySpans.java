package dev.realtime.edge.delivery;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.edge.rooms.Session;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One CONSUMER span per event and room fan-out on this instance, {@code process <topic>}, under the producer's span
 * (the record's {@code traceparent}), never one per session: how many sessions the room had here, and what each did
 * with the frame (queued, held while resuming, dropped because behind, skipped as already sent, revoked). Only when
 * tracing is on, the producer's trace is sampled and the room has subscribers here: most instances have nobody in
 * most rooms and make nothing. Socket writes are not traced (their overflows are counted).
 */
@ApplicationScoped
public class DeliverySpans {
    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean sdkDisabled;

    @Inject
    Tracer tracer;

    /** Null when nothing is to be recorded. */
    Span start(ConsumerRecord<?, ?> record, IntegrationEvent event, Collection<String> rooms, int subscribers) {
        if (sdkDisabled || record == null) {
            return null;
        }
        TraceParent parent = CloudEventCodec.hopTrace(record.headers());
        if (parent == null || !parent.sampled()) {
            return null;
        }
        SpanContext remote = SpanContext.createFromRemoteParent(parent.traceId(), parent.parentId(),
                TraceFlags.fromHex(parent.flags(), 0), TraceState.getDefault());
        Span span = tracer.spanBuilder("process " + record.topic()).setSpanKind(SpanKind.CONSUMER)
                .setParent(Context.root().with(Span.wrap(remote)))
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.destination.partition.id", String.valueOf(record.partition()))
                .setAttribute("messaging.kafka.offset", record.offset())
                .setAttribute("cloudevents.event_id", event.id())
                .setAttribute("cloudevents.event_type", event.type())
                .setAttribute("realtime.rooms", String.join(",", rooms))
                .setAttribute("realtime.fanout.subscribers", subscribers)
                .startSpan();
        if (event.seq() != null) {
            span.setAttribute("realtime.seq", event.seq());
        }
        return span;
    }

    /**
     * {@code outcomes}: sessions by {@link Session#deliver} outcome (queued, held while resuming, dropped because
     * behind or full, skipped as already sent); {@code revoked}: sessions whose access the re-check refused.
     */
    static void end(Span span, int[] outcomes, int revoked) {
        if (span != null) {
            span.setAttribute("realtime.fanout.queued", outcomes[Session.QUEUED]);
            span.setAttribute("realtime.fanout.held", outcomes[Session.HELD]);
            span.setAttribute("realtime.fanout.dropped", outcomes[Session.DROPPED]);
            span.setAttribute("realtime.fanout.skipped", outcomes[Session.SKIPPED]);
            span.setAttribute("realtime.fanout.revoked", revoked);
            span.end();
        }
    }
}
