package dev.realtime.identity;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The answer to {@link InvalidIdentityException} on every REST endpoint: 401 with an RFC 9457 body of type
 * {@code /problems/invalid-identity} (docs/problems.md) and the bearer challenge of RFC 6750. Quarkus REST maps
 * authentication failures of proactive authentication with its exception mappers, so this runs before any resource.
 * The body is built here rather than with a service's {@code Problems} helper because this library sits below
 * both the domain services and the edge, which each have their own.
 */
public class InvalidIdentityMapper {
    static final String TYPE = "/problems/invalid-identity";
    static final String CHALLENGE = "Bearer error=\"invalid_token\", error_description=\"unsupported subject\"";

    @ServerExceptionMapper
    public Response refused(InvalidIdentityException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE);
        body.put("title", "Invalid identity");
        body.put("status", 401);
        body.put("detail", e.detail());
        return Response.status(Response.Status.UNAUTHORIZED)
                .type("application/problem+json")
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                .entity(body)
                .build();
    }
}
