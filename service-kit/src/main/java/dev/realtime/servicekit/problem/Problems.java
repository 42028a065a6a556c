package dev.realtime.servicekit.problem;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 9457 problem details in the shape of docs/problems.md, the error body of every REST API of the services and of
 * realtime-edge's server API. A plain static class: the edge uses it without the kit's beans and JAX-RS providers
 * (see the package {@code dev.realtime.servicekit}).
 */
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
    public static Response response(Response.Status status, String slug, String title, String detail,
            Map<String, Object> extensions) {
        Map<String, Object> body = body(slug, title, status.getStatusCode(), detail);
        body.putAll(extensions);
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }

    /** A status given as a number (the edge's API passes the framework's status through). */
    public static Response response(int status, String slug, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE).entity(body(slug, title, status, detail)).build();
    }

    /** 400 {@code /problems/invalid-request} with {@code detail} saying what is wrong. */
    public static Response invalid(String detail) {
        return response(400, "invalid-request", "Invalid request", detail);
    }

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

    /** type, title, status, and detail unless it is null. */
    private static Map<String, Object> body(String slug, String title, int status, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + slug);
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        return body;
    }
}
