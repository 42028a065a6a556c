package dev.realtime.notification.api;

import dev.realtime.notification.domain.NotFoundException;
import dev.realtime.servicekit.problem.Problems;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A missing item, or another user's, as 404 problem+json (the same answer, so nothing leaks). */
public class NotificationExceptionMappers {

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Problems.response(Response.Status.NOT_FOUND, "not-found", "Not Found", e.getMessage());
    }
}
