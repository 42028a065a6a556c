package dev.realtime.eventstore.relay;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.eventstore.store.StoredEvent;
import dev.realtime.eventstore.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One PRODUCER span per stored event the relay publishes, never one per batch: {@code send <topic>}, a child of the
 * context stored with the event (the request's span), from the batch fetch until the Kafka transaction is committed
 * (before that, read_committed consumers see nothing). The records' W3C {@code traceparent} header becomes this span,
 * so consumers continue the trace under it; {@code ce_traceparent} keeps the stored context. Only events whose stored
 * context is sampled get a span; with tracing off the relay runs without this class.
 */
final class RelaySpans {
    private final Tracing tracing;
    private final String relay;
    /** Spans of events mapped and not yet committed; the relay thread alone touches it. */
    private final Map<UUID, Span> open = new HashMap<>();

    RelaySpans(Tracing tracing, String relay) {
        this.tracing = tracing;
        this.relay = relay;
    }

    IntegrationMapper tracing(IntegrationMapper mapper) {
        return event -> {
            List<ProducerRecord<String, byte[]>> records = mapper.map(event);
            // A batch published again after a failure maps its events again: the earlier attempt's span ends here.
            end(event, StatusCode.ERROR, "published again");
            if (records.isEmpty()) {
                return records;
            }
            TraceParent stored = event.metadata().trace();
            String topic = records.get(0).topic();
            Span span = tracing.startUnder(stored, "send " + topic, SpanKind.PRODUCER, builder -> builder
                    .setAttribute("messaging.system", "kafka")
                    .setAttribute("messaging.operation.type", "send")
                    .setAttribute("messaging.destination.name", topic)
                    .setAttribute("messaging.batch.message_count", records.size())
                    .setAttribute("cloudevents.event_id", event.eventId.toString())
                    .setAttribute("eventstore.relay", relay)
                    .setAttribute("eventstore.stream_id", event.streamId)
                    .setAttribute("eventstore.version", event.version)
                    .setAttribute("eventstore.position", event.position)
                    .setAttribute("eventstore.relay.wait_ms",
                            Math.max(0, Duration.between(event.recordedAt, OffsetDateTime.now()).toMillis())));
            if (span != null) {
                open.put(event.eventId, span);
                TraceParent hop = Tracing.of(span.getSpanContext());
                for (ProducerRecord<String, byte[]> record : records) {
                    CloudEventCodec.setHopTrace(record.headers(), hop);
                }
            }
            return records;
        };
    }

    Relay.Listener tracing(Relay.Listener listener) {
        return new Relay.Listener() {
            @Override
            public void published(StoredEvent event) {
                end(event, StatusCode.UNSET, null);
                listener.published(event);
            }

            @Override
            public void backlog(long events, Duration oldestAge) {
                listener.backlog(events, oldestAge);
            }

            @Override
            public void failed(Exception failure) {
                listener.failed(failure);
            }

            @Override
            public void unpublishable(StoredEvent event, Exception reason) {
                end(event, StatusCode.ERROR, "set aside: " + reason.getClass().getSimpleName());
                listener.unpublishable(event, reason);
            }

            @Override
            public void leadership(boolean leader) {
                listener.leadership(leader);
            }
        };
    }

    private void end(StoredEvent event, StatusCode status, String description) {
        Span span = open.remove(event.eventId);
        if (span != null) {
            if (status == StatusCode.ERROR) {
                span.setStatus(status, description);
            }
            span.end();
        }
    }
}
