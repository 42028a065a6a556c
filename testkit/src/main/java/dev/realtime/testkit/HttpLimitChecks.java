package dev.realtime.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Requests past a service's HTTP limits and the checks of their answers (status and problem+json body), the same for
 * every service. The oversized body is declared and not sent: the service must answer from the headers, so the check
 * does not depend on how much of a body the socket takes before the refusal.
 */
public final class HttpLimitChecks {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpLimitChecks() {
    }

    /**
     * A POST to {@code uri} that declares a body of {@code bytes} bytes and sends none: 413
     * {@code /problems/payload-too-large}, answered from the headers (a service that waited for the body would never
     * answer, and the read times out).
     */
    public static void assertBodyTooLarge(URI uri, String token, int bytes) {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            String request = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String statusLine = in.readLine();
            assertTrue(statusLine != null && statusLine.startsWith("HTTP/1.1 413"), "status line: " + statusLine);
            String contentType = "";
            int length = -1;
            for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-type:")) {
                    contentType = header.substring("content-type:".length()).trim();
                } else if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring("content-length:".length()).trim());
                }
            }
            assertTrue(contentType.startsWith("application/problem+json"), "content type " + contentType);
            char[] body = new char[Math.max(length, 0)];
            int read = 0;
            while (read < body.length) {
                int n = in.read(body, read, body.length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            JsonNode problem = JSON.readTree(new String(body, 0, read));
            assertEquals("/problems/payload-too-large", problem.path("type").asText(), problem.toString());
            assertEquals(413, problem.path("status").asInt(), problem.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
