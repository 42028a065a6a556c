package dev.realtime.eventstore.tracing;

import dev.realtime.contracts.events.TraceParent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The services' own spans (relay, consumers), beside what Quarkus traces by itself (REST, the SQL client). Off unless
 * the OpenTelemetry SDK is switched on ({@code quarkus.otel.sdk.disabled=false}): the disabled SDK would still build
 * and drop every span we start, so nothing here builds one then. A span is made only under a sampled parent.
 */
@ApplicationScoped
public class Tracing {
    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean sdkDisabled;

    @Inject
    Tracer tracer;

    public boolean enabled() {
        return !sdkDisabled;
    }

    /**
     * A span under {@code parent} when tracing is on and the parent is sampled; else null, and the caller records
     * nothing.
     */
    public Span startUnder(TraceParent parent, String name, SpanKind kind, SpanAttributes attributes) {
        if (sdkDisabled || parent == null || !parent.sampled()) {
            return null;
        }
        SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(kind)
                .setParent(Context.root().with(Span.wrap(remoteContext(parent))));
        attributes.applyTo(builder);
        return builder.startSpan();
    }

    /** The span of the current OpenTelemetry context as a trace parent, or null when there is none. */
    public static TraceParent current() {
        SpanContext context = Span.current().getSpanContext();
        return context.isValid() ? of(context) : null;
    }

    /** The current span when it belongs to {@code cause}'s trace (a consumer's span), else {@code cause}. */
    public static TraceParent currentOr(TraceParent cause) {
        TraceParent current = current();
        return current != null && (cause == null || current.traceId().equals(cause.traceId())) ? current : cause;
    }

    public static TraceParent of(SpanContext context) {
        return new TraceParent(context.getTraceId(), context.getSpanId(), context.getTraceFlags().asHex());
    }

    static SpanContext remoteContext(TraceParent parent) {
        return SpanContext.createFromRemoteParent(parent.traceId(), parent.parentId(),
                TraceFlags.fromHex(parent.flags(), 0), TraceState.getDefault());
    }

    /** Attributes set when a span starts (the sampler sees them). */
    @FunctionalInterface
    public interface SpanAttributes {
        void applyTo(SpanBuilder builder);
    }
}
