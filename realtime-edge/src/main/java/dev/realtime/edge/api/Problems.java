package dev.realtime.edge.api;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RFC 9457 problem details in the shape of docs/problems.md. The edge does not depend on the eventstore module
 * (whose api.Problems the domain services use), which would bring a datasource along.
 */
public final class Problems {
    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    public static Response response(int status, String slug, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "/problems/" + slug);
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }

    public static Response invalid(String detail) {
        return response(400, "invalid-request", "Invalid request", detail);
    }
}
