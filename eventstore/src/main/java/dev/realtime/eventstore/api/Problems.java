package dev.realtime.eventstore.api;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 9457 problem details, the error body of every REST API of the services. */
public final class Problems {
    public static final String MEDIA_TYPE = "application/problem+json";
    /** Relative type URIs: resolved against the API's own base, documented in docs/problems.md. */
    private static final String TYPE_BASE = "/problems/";

    private Problems() {
    }

    public static Response response(Response.Status status, String slug, String title, String detail) {
        return response(status, slug, title, detail, Map.of());
    }

    /** {@code extensions} adds members such as {@code field} or {@code retryAfterSeconds}. */
    /**
     * A status Jakarta REST has no constant for (422) as well as the others; the title is the status's reason phrase.
     * {@code field}, when not null, becomes {@code errors[0]} with the detail as its message.
     */
    public static Response.ResponseBuilder builder(int status, String slug, String detail, String field,
            Map<String, Object> extensions) {
        Response.Status known = Response.Status.fromStatusCode(status);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + slug);
        body.put("title", known == null ? "Unprocessable content" : known.getReasonPhrase());
        body.put("status", status);
        body.put("detail", detail);
        if (field != null) {
            body.put("errors", List.of(Map.of("field", field, "message", detail)));
        }
        body.putAll(extensions);
        return Response.status(status).type(MEDIA_TYPE).entity(body);
    }

    public static Response response(Response.Status status, String slug, String title, String detail,
            Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + slug);
        body.put("title", title);
        body.put("status", status.getStatusCode());
        if (detail != null) {
            body.put("detail", detail);
        }
        body.putAll(extensions);
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }
}
