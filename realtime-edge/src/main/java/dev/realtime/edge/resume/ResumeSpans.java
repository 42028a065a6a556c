package dev.realtime.edge.resume;

import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.rooms.Room;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A span for each resume that reads the room's owner ({@code resume <room kind>}, a new trace the sampler decides on):
 * its context goes to the owner as {@code traceparent}, so the owner's request joins the trace, and it ends with how
 * the resume went. Resumes the edge's window covers are not traced (no I/O). Only when tracing is on.
 */
@ApplicationScoped
public class ResumeSpans {
    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean sdkDisabled;

    @Inject
    Tracer tracer;

    /** Null when nothing is to be recorded. */
    Span start(Room room, long since) {
        if (sdkDisabled) {
            return null;
        }
        Span span = tracer.spanBuilder("resume " + room.kind().prefix()).setNoParent().setSpanKind(SpanKind.INTERNAL)
                .setAttribute("realtime.room", room.name())
                .setAttribute("realtime.resume.since", since)
                .setAttribute("realtime.resume.source", "owner")
                .startSpan();
        return span.getSpanContext().isSampled() ? span : null;
    }

    static TraceParent traceParent(Span span) {
        if (span == null) {
            return null;
        }
        SpanContext context = span.getSpanContext();
        return new TraceParent(context.getTraceId(), context.getSpanId(), context.getTraceFlags().asHex());
    }

    static void end(Span span, Resumer.Outcome outcome, int replayed) {
        if (span == null) {
            return;
        }
        span.setAttribute("realtime.resume.complete", outcome.complete());
        span.setAttribute("realtime.resume.replayed", replayed);
        if (outcome.reason() != null) {
            span.setAttribute("realtime.resume.reason", outcome.reason());
            span.setStatus(StatusCode.ERROR, outcome.reason());
        }
        span.end();
    }
}
