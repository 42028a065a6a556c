package dev.realtime.chat.api;

import dev.realtime.chat.domain.ChatProblem;
import dev.realtime.eventstore.api.Problems;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
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
        if (e.retryAfterSeconds() > 0) {
            body.put("retryAfterSeconds", e.retryAfterSeconds());
        }
        Response.ResponseBuilder response = Response.status(e.status()).type(Problems.MEDIA_TYPE).entity(body);
        if (e.retryAfterSeconds() > 0) {
            response.header("Retry-After", e.retryAfterSeconds());
        }
        return response.build();
    }
}
