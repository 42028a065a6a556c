package dev.realtime.eventstore.api;

import dev.realtime.eventstore.store.ConcurrencyException;
import dev.realtime.eventstore.store.StreamBusyException;
import dev.realtime.servicekit.problem.Problems;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The event store's refusals that reach a REST API: a version conflict ({@link ConcurrencyException}) is 409, a
 * stream whose writers' queue did not reach the command in time ({@link StreamBusyException}) 503 with Retry-After,
 * both problem+json. The other errors of the domain services' APIs are mapped by service-kit's
 * {@code ProblemExceptionMappers}.
 */
public class ConcurrencyConflictMapper {

    @ServerExceptionMapper
    public Response conflict(ConcurrencyException e) {
        return Problems.response(Response.Status.CONFLICT, "version-conflict", "Version conflict",
                "The resource was changed by someone else; reload it and try again.",
                Map.of("expectedVersion", e.expectedVersion()));
    }

    @ServerExceptionMapper
    public Response busy(StreamBusyException e) {
        return Response.fromResponse(Problems.response(Response.Status.SERVICE_UNAVAILABLE, "stream-busy", "Busy",
                "Too many changes to this resource are waiting; try again shortly.", Map.of()))
                .header("Retry-After", "1").build();
    }
}
