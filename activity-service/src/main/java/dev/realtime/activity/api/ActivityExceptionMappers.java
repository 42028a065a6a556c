package dev.realtime.activity.api;

import dev.realtime.activity.domain.ActivityProblem;
import dev.realtime.servicekit.problem.Problems;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Refused activity commands and reads as problem+json, for every resource of the service. Built here rather than
 * with {@link Problems#response}: 422 has no constant in JAX-RS's {@code Response.Status}.
 */
public class ActivityExceptionMappers {

    @ServerExceptionMapper
    public Response problem(ActivityProblem e) {
        Map<String, Object> extensions = e.limit() > 0 ? Map.of("limit", e.limit()) : Map.of();
        return Problems.builder(e.status(), e.type(), e.getMessage(), e.field(), extensions).build();
    }
}
