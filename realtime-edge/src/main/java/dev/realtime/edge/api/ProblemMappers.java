package dev.realtime.edge.api;

import dev.realtime.servicekit.problem.Problems;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Framework refusals of the server API as problem details instead of HTML or empty bodies. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return Problems.response(404, "not-found", "Not found", null);
    }

    @ServerExceptionMapper
    public Response other(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 401 || status == 403 || status < 400) {
            return e.getResponse();
        }
        String reason = e.getResponse().getStatusInfo().getReasonPhrase();
        return Problems.response(status, reason.toLowerCase().replace(' ', '-'), reason, null);
    }
}
