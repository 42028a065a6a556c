package dev.realtime.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Posts messages through chat-service's REST API at a steady rate, round robin over the conversations, and retries
 * each one as a real client would until it gets a 2xx: the same {@code clientMessageId} every time, waiting what
 * {@code Retry-After} says (else a capped exponential backoff) after a 429, 503, any 5xx, a 409 (a lost race for the
 * stream version) or a network failure. A 4xx other than those is a refusal: the post is given up and counted.
 */
final class Poster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    /** One post as this client saw it; {@code firstAttemptNanos} is System.nanoTime when it was first sent. */
    static final class PostState {
        final String clientMessageId;
        final String conversationId;
        /** When the user pressed send (the post entered the outbox). */
        final long firstAttemptNanos;
        volatile String messageId;
        volatile long ackNanos;
        volatile int attempts;
        /** null while in flight; "acked", "refused <status>" or "gave up". */
        volatile String outcome;

        PostState(String clientMessageId, String conversationId, long firstAttemptNanos) {
            this.clientMessageId = clientMessageId;
            this.conversationId = conversationId;
            this.firstAttemptNanos = firstAttemptNanos;
        }

        boolean acked() {
            return "acked".equals(outcome);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String chatUrl;
    private final List<String> conversations;
    private final Supplier<String> token;
    private final String prefix;
    private final Duration giveUpAfter;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    // At most 6 requests in flight, as a browser holds at most 6 connections to a host; the others wait in this
    // client's outbox. Unbounded concurrency turned an outage into a retry storm of thousands of requests a second.
    static final int IN_FLIGHT = 6;
    private final ExecutorService senders = Executors.newFixedThreadPool(IN_FLIGHT);
    private final AtomicInteger next = new AtomicInteger();
    final Map<String, PostState> posts = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    Poster(String chatUrl, List<String> conversations, Supplier<String> token, String prefix, Duration giveUpAfter) {
        this.chatUrl = chatUrl;
        this.conversations = List.copyOf(conversations);
        this.token = token;
        this.prefix = prefix;
        this.giveUpAfter = giveUpAfter;
    }

    /** Starts posting {@code perSecond} messages a second until {@link #stop}. */
    void start(int perSecond) {
        long periodMicros = 1_000_000L / perSecond;
        clock.scheduleAtFixedRate(this::postNext, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    /** Stops starting new posts and waits for those in flight to be acked or given up. */
    void stop() {
        clock.shutdownNow();
        stopping = true;
        senders.shutdown();
        try {
            senders.awaitTermination(giveUpAfter.toSeconds() * 4 + 60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int started() {
        return next.get();
    }

    private void postNext() {
        if (stopping) {
            return;
        }
        int n = next.getAndIncrement();
        String conversation = conversations.get(n % conversations.size());
        PostState post = new PostState(prefix + "-" + n, conversation, System.nanoTime());
        posts.put(post.clientMessageId, post);
        senders.execute(() -> send(post, "message " + n + " of " + prefix));
    }

    private void send(PostState post, String text) {
        // The give-up clock starts at the first send, not while the post waits in the outbox.
        long deadline = System.nanoTime() + giveUpAfter.toNanos();
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("text", text, "clientMessageId", post.clientMessageId));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (int attempt = 1; ; attempt++) {
            post.attempts = attempt;
            Duration wait;
            try {
                HttpRequest request = HttpRequest.newBuilder(
                                URI.create(chatUrl + "/api/conversations/" + post.conversationId + "/messages"))
                        .timeout(REQUEST_TIMEOUT)
                        .header("Authorization", "Bearer " + token.get())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200 || status == 201) {
                    JsonNode answer = JSON.readTree(response.body());
                    post.messageId = answer.path("id").asText(null);
                    post.ackNanos = System.nanoTime();
                    post.outcome = "acked";
                    return;
                }
                if (status != 409 && status != 429 && status < 500) {
                    post.outcome = "refused " + status;
                    return;
                }
                wait = response.headers().firstValue("Retry-After").map(Poster::retryAfter)
                        .orElse(backoff(attempt));
            } catch (IOException e) {
                wait = backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                post.outcome = "gave up";
                return;
            }
            if (System.nanoTime() + wait.toNanos() > deadline) {
                post.outcome = "gave up";
                return;
            }
            Faults.sleep(wait);
        }
    }

    private static Duration retryAfter(String header) {
        try {
            return Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return MAX_BACKOFF;
        }
    }

    private static Duration backoff(int attempt) {
        long millis = 100L << Math.min(attempt - 1, 10);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }

    @Override
    public void close() {
        clock.shutdownNow();
        senders.shutdownNow();
    }
}
