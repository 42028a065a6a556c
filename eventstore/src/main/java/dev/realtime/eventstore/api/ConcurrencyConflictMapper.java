package dev.realtime.eventstore.api;

import dev.realtime.eventstore.store.ConcurrencyException;
import dev.realtime.servicekit.problem.Problems;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A version conflict of the event store ({@link ConcurrencyException}) that reaches a REST API: 409 problem+json. The
 * other errors of the domain services' APIs are mapped by service-kit's {@code ProblemExceptionMappers}.
 */
public class ConcurrencyConflictMapper {

    @ServerExceptionMapper
    public Response conflict(ConcurrencyException e) {
        return Problems.response(Response.Status.CONFLICT, "version-conflict", "Version conflict",
                "The resource was changed by someone else; reload it and try again.",
                Map.of("expectedVersion", e.expectedVersion()));
    }
}
