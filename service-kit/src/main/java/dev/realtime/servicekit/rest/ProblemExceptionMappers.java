package dev.realtime.servicekit.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.realtime.servicekit.problem.InvalidParameterException;
import dev.realtime.servicekit.problem.InvalidRequestException;
import dev.realtime.servicekit.problem.Problems;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error of a domain service's REST API as RFC 9457 problem+json: invalid input (400, naming each field),
 * malformed JSON (400, naming the field where it can), a role the caller lacks (403), and the status of any other
 * {@link WebApplicationException} (404, 405, 415, ...). Version conflicts (409) are the event store's
 * ({@code dev.realtime.eventstore.api.ConcurrencyConflictMapper}); each service maps its own domain exceptions.
 */
public class ProblemExceptionMappers {

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Map<String, String>> errors = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .map(v -> Map.of("field", fieldOf(v), "message", v.getMessage()))
                .toList();
        String detail = errors.stream().map(error -> error.get("field") + ": " + error.get("message"))
                .collect(Collectors.joining("; "));
        return Problems.response(Response.Status.BAD_REQUEST, "invalid-request", "Invalid request", detail,
                Map.of("errors", errors));
    }

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return invalid(e.field(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response invalid(InvalidParameterException e) {
        return invalid(e.parameter(), e.getMessage());
    }

    /**
     * A role check that fails ({@code @RolesAllowed}, e.g. a member posting an activity only services may post):
     * Quarkus answers it with an empty 403 of its own; here it gets the problem body every other 403 has.
     */
    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return Problems.response(Response.Status.FORBIDDEN, "forbidden", "Forbidden",
                "The caller may not do this.");
    }

    /** Quarkus maps this subtype itself, in plain JSON; ours must be at least as specific to win. */
    @ServerExceptionMapper
    public Response wrongType(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return malformed(e);
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        Map<String, Object> extensions = new LinkedHashMap<>();
        String detail = "The body is not valid JSON for this request.";
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            extensions.put("errors", List.of(Map.of("field", field, "message", "has the wrong type or format")));
            detail = field + ": has the wrong type or format";
        }
        return Problems.response(Response.Status.BAD_REQUEST, "malformed-json", "Malformed request body", detail,
                extensions);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        // Quarkus REST's JSON reader rethrows the binding errors mapped above, but wraps a parse error (a body that is
        // not JSON at all, e.g. "hello") and the other binding errors in a plain 400: malformed JSON like the rest.
        if (e.getCause() instanceof JsonProcessingException json && e.getResponse().getStatus() == 400) {
            return malformed(json);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        Response.Status known = Response.Status.fromStatusCode(status.getStatusCode());
        if (known == null) {
            return e.getResponse();
        }
        String slug = known.getReasonPhrase().toLowerCase().replace(' ', '-');
        return Problems.response(known, slug, known.getReasonPhrase(), null);
    }

    private static Response invalid(String field, String message) {
        return Problems.response(Response.Status.BAD_REQUEST, "invalid-request", "Invalid request",
                field + ": " + message, Map.of("errors", List.of(Map.of("field", field, "message", message))));
    }

    /** {@code post.arg1.text} becomes {@code text}: the client knows its body, not our method names. */
    private static String fieldOf(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.");
        return parts.length <= 2 ? parts[parts.length - 1] : String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
    }
}
