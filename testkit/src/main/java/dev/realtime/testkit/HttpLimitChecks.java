package dev.realtime.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Requests past a service's HTTP limits and the checks of their answers (status and problem+json body), the same for
 * every service. The oversized body is sent with {@code Expect: 100-continue}, as a careful client uploads: the
 * service answers from the headers and the body is never sent, so the check does not depend on how much of it the
 * socket takes before the refusal.
 */
public final class HttpLimitChecks {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpLimitChecks() {
    }

    /** POST of {@code bytes} bytes of JSON to {@code uri}: 413 {@code /problems/payload-too-large}. */
    public static void assertBodyTooLarge(URI uri, String token, int bytes) {
        byte[] body = new byte[bytes];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[bytes - 1] = '}';
        assertProblem(send(HttpRequest.newBuilder(uri).expectContinue(true)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))), 413, "/problems/payload-too-large");
    }

    /** GET of {@code uri} with a query string making the request line {@code length} bytes or more: 414. */
    public static void assertUriTooLong(URI uri, String token, int length) {
        URI longer = URI.create(uri + (uri.getQuery() == null ? "?" : "&") + "padding=" + "1".repeat(length));
        assertProblem(send(HttpRequest.newBuilder(longer).header("Authorization", "Bearer " + token).GET()), 414,
                "/problems/uri-too-long");
    }

    /** GET of {@code uri} with a header of {@code size} bytes: 431 {@code /problems/header-fields-too-large}. */
    public static void assertHeadersTooLarge(URI uri, String token, int size) {
        assertProblem(send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .header("X-Padding", "y".repeat(size)).GET()), 431, "/problems/header-fields-too-large");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                "content type " + response.headers().firstValue("Content-Type"));
        try {
            JsonNode problem = JSON.readTree(response.body());
            assertEquals(type, problem.path("type").asText(), response.body());
            assertEquals(status, problem.path("status").asInt(), response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
