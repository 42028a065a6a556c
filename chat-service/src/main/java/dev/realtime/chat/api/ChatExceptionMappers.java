package dev.realtime.chat.api;

import dev.realtime.chat.domain.ChatProblem;
import dev.realtime.servicekit.problem.Problems;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Refused chat commands as problem+json, for every resource of the service; 429 and 503 also set Retry-After, 422
 * names the field at fault ({@code errors[0].field}) and the limit. The body is built here rather than with
 * {@link Problems#response}: 422 has no constant in JAX-RS's {@code Response.Status}.
 */
public class ChatExceptionMappers {

    @ServerExceptionMapper
    public Response problem(ChatProblem e) {
        Map<String, Object> extensions = new LinkedHashMap<>();
        if (e.limit() > 0) {
            extensions.put("limit", e.limit());
        }
        if (e.retryAfterSeconds() > 0) {
            extensions.put("retryAfterSeconds", e.retryAfterSeconds());
        }
        Response.ResponseBuilder response = Problems.builder(e.status(), e.type(), e.getMessage(), e.field(),
                extensions);
        if (e.retryAfterSeconds() > 0) {
            response.header("Retry-After", e.retryAfterSeconds());
        }
        return response.build();
    }
}
