package dev.realtime.chat.api;

import dev.realtime.chat.domain.ChatProblem;
import dev.realtime.eventstore.api.Problems;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Refused chat commands as problem+json, for every resource of the service; 429 and 503 also set Retry-After. */
public class ChatExceptionMappers {

    @ServerExceptionMapper
    public Response problem(ChatProblem e) {
        Response.Status status = Response.Status.fromStatusCode(e.status());
        Response response = Problems.response(status, e.type(), status.getReasonPhrase(), e.getMessage(),
                e.retryAfterSeconds() > 0 ? Map.of("retryAfterSeconds", e.retryAfterSeconds()) : Map.of());
        return e.retryAfterSeconds() > 0
                ? Response.fromResponse(response).header("Retry-After", e.retryAfterSeconds()).build()
                : response;
    }
}
