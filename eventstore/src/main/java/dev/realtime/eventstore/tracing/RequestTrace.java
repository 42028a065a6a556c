package dev.realtime.eventstore.tracing;

import dev.realtime.contracts.events.TraceParent;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The trace context of the HTTP request being handled. With tracing on, the current span (Quarkus's server span, which
 * continues the caller's {@code traceparent}). Otherwise the caller's W3C {@code traceparent} when it sent a valid one
 * ({@code TraceContextFilter}), else a new trace started the first time a command asks, kept in the request's
 * duplicated Vert.x context, so it is the request's own and nobody else's; outside a request every call starts a new
 * trace.
 */
public final class RequestTrace {
    private static final String KEY = RequestTrace.class.getName();

    private RequestTrace() {
    }

    public static TraceParent current() {
        TraceParent span = Tracing.current();
        if (span != null) {
            return span;
        }
        Context context = Vertx.currentContext();
        if (context == null || !VertxContext.isDuplicatedContext(context)) {
            return TraceParent.random();
        }
        TraceParent trace = context.getLocal(KEY);
        if (trace == null) {
            trace = TraceParent.random();
            context.putLocal(KEY, trace);
        }
        return trace;
    }

    static void adopt(TraceParent trace) {
        Context context = Vertx.currentContext();
        if (context != null && VertxContext.isDuplicatedContext(context)) {
            context.putLocal(KEY, trace);
        }
    }
}
