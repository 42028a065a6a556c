package dev.realtime.eventstore.tracing;

import dev.realtime.contracts.events.TraceParent;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Takes the caller's W3C {@code traceparent} header: the events a request appends continue the caller's trace. A
 * malformed header is ignored (the request gets a trace of its own), never refused: tracing data changes no outcome.
 */
public class TraceContextFilter {

    @ServerRequestFilter(preMatching = true)
    public void adoptCallersTrace(ContainerRequestContext request) {
        String header = request.getHeaderString(TraceParent.HEADER);
        if (header != null) {
            TraceParent.parse(header).ifPresent(RequestTrace::adopt);
        }
    }
}
