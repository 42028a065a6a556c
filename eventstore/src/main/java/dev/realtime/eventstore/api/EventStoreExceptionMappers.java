package dev.realtime.eventstore.api;

import dev.realtime.eventstore.store.ConcurrencyException;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns event store errors into problem+json for every service that uses the library. */
public class EventStoreExceptionMappers {

    @ServerExceptionMapper
    public Response conflict(ConcurrencyException e) {
        return Problems.response(Response.Status.CONFLICT, "version-conflict", "Version conflict",
                "The resource was changed by someone else; reload it and try again.",
                Map.of("expectedVersion", e.expectedVersion()));
    }
}
