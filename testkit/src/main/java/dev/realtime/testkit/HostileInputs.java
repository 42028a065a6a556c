package dev.realtime.testkit;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.util.List;

/**
 * Request bodies and values every REST service must refuse with a clear 400 (docs/problems.md), never a 500, and the
 * checks of those answers, the same for every service. Tokens every service must refuse are in {@link ForeignTokens}.
 */
public final class HostileInputs {
    /**
     * JSON string contents, with the escapes as a client sends them (the backslash reaches the server), that
     * PostgreSQL cannot store: NUL, a lone high surrogate, a lone low surrogate, a high surrogate at the end.
     */
    public static final List<String> UNSTORABLE = List.of("a\\u0000b", "a\\ud800b", "a\\udc00b", "end\\ud800");

    /** JSON values that are not strings, for a field that is one: no value is converted to text. */
    public static final List<String> NOT_TEXT = List.of("5", "true", "1e999999", "1.5");

    /** A body that is not JSON at all. */
    public static final String NOT_JSON = "hello";

    private HostileInputs() {
    }

    /** {@code json} followed by something that is not whitespace. */
    public static String withTrailingGarbage(String json) {
        return json + " xyz";
    }

    /** 400 {@code /problems/invalid-request} naming {@code field} as text that cannot be stored. */
    public static void assertUnstorable(Response response, String field) {
        response.then().log().ifValidationFails().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-request"))
                .body("errors[0].field", equalTo(field))
                .body("errors[0].message", containsString("cannot be stored"));
    }

    /** 400 {@code /problems/malformed-json}; the caller may check which field it names. */
    public static ValidatableResponse assertMalformed(Response response) {
        return response.then().log().ifValidationFails().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("/problems/malformed-json"));
    }

    /** 400 {@code /problems/invalid-request} naming the query parameter that did not parse. */
    public static void assertInvalidParameter(Response response, String parameter) {
        response.then().log().ifValidationFails().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-request"))
                .body("errors[0].field", equalTo(parameter));
    }
}
