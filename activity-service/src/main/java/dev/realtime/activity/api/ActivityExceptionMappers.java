package dev.realtime.activity.api;

import dev.realtime.activity.domain.ActivityProblem;
import dev.realtime.eventstore.api.Problems;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Refused activity commands and reads as problem+json, for every resource of the service. Built here rather than
 * with {@link Problems#response}: 422 has no constant in JAX-RS's {@code Response.Status}.
 */
public class ActivityExceptionMappers {

    @ServerExceptionMapper
    public Response problem(ActivityProblem e) {
        Response.Status known = Response.Status.fromStatusCode(e.status());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "/problems/" + e.type());
        body.put("title", known == null ? "Unprocessable content" : known.getReasonPhrase());
        body.put("status", e.status());
        body.put("detail", e.getMessage());
        if (e.field() != null) {
            body.put("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
        }
        if (e.limit() > 0) {
            body.put("limit", e.limit());
        }
        return Response.status(e.status()).type(Problems.MEDIA_TYPE).entity(body).build();
    }
}
