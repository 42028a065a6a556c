package dev.realtime.eventstore.store;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.eventstore.tracing.RequestTrace;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Who and what caused an append. {@code commandId} makes the command idempotent: a second append with the
 * same command id stores nothing and returns the first result. {@code traceparent} is the W3C trace context of the
 * request or event that caused the append; the relay puts it on the Kafka record, and every frame the event becomes
 * carries its trace id. {@code correlationId} is that trace id (older rows hold a random UUID).
 */
@RegisterForReflection
public record EventMetadata(String actor, String correlationId, String causationId, String commandId,
        String traceparent) {

    public EventMetadata(String actor, String correlationId, String causationId, String commandId) {
        this(actor, correlationId, causationId, commandId, null);
    }

    /**
     * The metadata of a command of the current request: its trace is the request's ({@link RequestTrace}). Call it
     * where the request starts its work, before any queueing, so the command keeps its own request's trace.
     */
    public static EventMetadata of(String actor, String commandId) {
        return traced(actor, null, commandId, RequestTrace.current());
    }

    /**
     * The metadata of an append caused by another event (a consumer's effect): the cause's trace goes on, or a new
     * one starts when the cause named none.
     */
    public static EventMetadata causedBy(String actor, String causationId, String commandId, TraceParent causeTrace) {
        return traced(actor, causationId, commandId, causeTrace == null ? TraceParent.random() : causeTrace);
    }

    private static EventMetadata traced(String actor, String causationId, String commandId, TraceParent trace) {
        return new EventMetadata(actor, trace.traceId(), causationId, commandId, trace.format());
    }

    /** The stored trace context, or null for older events and malformed values. */
    @JsonIgnore
    public TraceParent trace() {
        return TraceParent.parse(traceparent).orElse(null);
    }
}
