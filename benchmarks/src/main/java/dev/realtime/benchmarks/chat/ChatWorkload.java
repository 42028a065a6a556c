package dev.realtime.benchmarks.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The users, their conversations and the posting of messages through chat-service's REST API with one shared
 * Vert.x {@link HttpClient} on one event loop (HTTP/1.1, keep-alive: it pools one connection per concurrent
 * request). The callers block on the answer, so a client is a thread; the I/O is Netty's, which costs the machine
 * about half of what the JDK's HttpClient did for the same rate (the harness shares the 2 cores with the service).
 * <p>
 * Post number {@code g} goes to conversation {@code g mod C}, written by participant {@code (g / C) mod P} of it:
 * consecutive posts hit different conversations (fewer lost races on a conversation's stream version, which the
 * service retries), and every user writes about as often as the others.
 * <p>
 * Per-user pacing: with {@code userRate > 0} a user posts at most {@code userRate} times per second (a client that
 * picks a user early waits for the user's next slot), so the load stays under a per-user rate limit of that rate;
 * the total is then capped at {@code users * userRate}. A 429 answer blocks its user for {@code Retry-After} seconds
 * (at most 5 s) in any case.
 */
final class ChatWorkload implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final long MAX_RETRY_AFTER_NANOS = Duration.ofSeconds(5).toNanos();

    /** One post as the harness saw it; {@code status} -1 is an I/O error or timeout. Times are System.nanoTime(). */
    record Post(long number, String messageId, long due, long sent, long done, int status) {
        boolean created() {
            return status == 201;
        }
    }

    /** A status, the Retry-After header and the body of an answer. */
    private record Reply(int status, String retryAfter, String body) {
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final String chatUrl;
    private final String[] users;
    private final String[] bearers;
    private final String[] conversationIds;
    private final String[] postUris;
    private final int[][] members;
    private final AtomicLong[] userNextSlot;
    private final long userIntervalNanos;
    private final String text;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong sequence = new AtomicLong();

    final LongAdder created = new LongAdder();
    final LongAdder tooManyRequests = new LongAdder();
    final LongAdder otherStatus = new LongAdder();
    final LongAdder ioErrors = new LongAdder();
    /** Client message ids of the posts that got no answer (I/O error or timeout). */
    final java.util.Queue<String> lostPosts = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The first unexpected answer, to show what went wrong. */
    volatile String firstError;

    ChatWorkload(String chatUrl, ChatSettings settings, Function<String, String> tokens) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setMaxPoolSize(512)
                .setConnectTimeout((int) Duration.ofSeconds(5).toMillis()));
        this.chatUrl = chatUrl;
        int userCount = settings.users();
        users = new String[userCount];
        bearers = new String[userCount];
        userNextSlot = new AtomicLong[userCount];
        for (int u = 0; u < userCount; u++) {
            users[u] = String.format("bench-user-%03d", u);
            bearers[u] = "Bearer " + tokens.apply(users[u]);
            userNextSlot[u] = new AtomicLong(Long.MIN_VALUE);
        }
        int conversationCount = settings.conversations();
        int participants = Math.min(settings.participants(), userCount);
        conversationIds = new String[conversationCount];
        postUris = new String[conversationCount];
        members = new int[conversationCount][participants];
        // Conversation c: users c, c + step, c + 2 step ... (mod U): each user is in about C * P / U conversations.
        int step = Math.max(1, userCount / participants);
        for (int c = 0; c < conversationCount; c++) {
            for (int p = 0; p < participants; p++) {
                members[c][p] = (c + p * step) % userCount;
            }
        }
        userIntervalNanos = settings.userRate() > 0 ? Math.round(1e9 / settings.userRate()) : 0;
        StringBuilder sb = new StringBuilder("Benchmark message: the quick brown fox jumps over the lazy dog. ");
        while (sb.length() < settings.textLength()) {
            sb.append("Lorem ipsum dolor sit amet. ");
        }
        text = sb.substring(0, Math.max(1, settings.textLength()));
    }

    int userCount() {
        return users.length;
    }

    /** Creates the conversations (the first member creates it with the others as participants). */
    void createConversations(int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < conversationIds.length; c++) {
                int conversation = c;
                futures.add(pool.submit(() -> {
                    createConversation(conversation);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private void createConversation(int c) throws IOException, InterruptedException {
        List<String> others = new ArrayList<>();
        for (int p = 1; p < members[c].length; p++) {
            others.add(users[members[c][p]]);
        }
        String body = JSON.writeValueAsString(Map.of("title", "Benchmark conversation " + c, "participants", others));
        Reply response = postJson(chatUrl + "/api/conversations", bearers[members[c][0]], body, "create-" + c);
        if (response.status() != 201) {
            throw new IllegalStateException("creating conversation " + c + " answered " + response.status() + ": "
                    + response.body());
        }
        conversationIds[c] = JSON.readTree(response.body()).path("id").asText();
        postUris[c] = chatUrl + "/api/conversations/" + conversationIds[c] + "/messages";
    }

    /** Takes the next post number and sends it (blocking); {@code due} is the open-loop schedule, else 0. */
    Post postNext(long due) {
        return post(sequence.getAndIncrement(), due);
    }

    Post post(long number, long due) {
        int c = (int) (number % conversationIds.length);
        int author = members[c][(int) ((number / conversationIds.length) % members[c].length)];
        awaitUserSlot(author);
        String body = "{\"text\":\"" + text + "\",\"clientMessageId\":\"b-" + runId + "-" + number + "\"}";
        long sent = System.nanoTime();
        Reply response;
        try {
            response = postJson(postUris[c], bearers[author], body, "b-" + runId + "-" + number);
        } catch (IOException e) {
            long done = System.nanoTime();
            ioErrors.increment();
            // Which post, so that the service's log and database can say whether it arrived and was stored.
            lostPosts.add("b-" + runId + "-" + number);
            String lost = "I/O error on post b-" + runId + "-" + number + " to conversation " + conversationIds[c]
                    + " as " + users[author] + ": " + e;
            System.err.println(lost);
            noteError(lost);
            return new Post(number, null, due, sent, done, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Post(number, null, due, sent, System.nanoTime(), -1);
        }
        long done = System.nanoTime();
        int status = response.status();
        String messageId = null;
        if (status == 201) {
            created.increment();
            messageId = messageId(response.body());
        } else if (status == 429) {
            tooManyRequests.increment();
            blockUser(author, response.retryAfter() == null ? "1" : response.retryAfter());
        } else {
            otherStatus.increment();
            noteError(status + " " + response.body());
        }
        return new Post(number, messageId, due, sent, done, status);
    }

    /**
     * POSTs JSON and waits for the whole answer; a connection failure or a timeout is an IOException. {@code tag}
     * goes out as {@code X-Bench-Post}, so that the service's access log (when switched on) can tell whether it
     * answered a post the harness saw no answer to.
     */
    private Reply postJson(String url, String bearer, String body, String tag) throws IOException, InterruptedException {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .setTimeout(REQUEST_TIMEOUT.toMillis())
                .putHeader("Authorization", bearer)
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Bench-Post", tag);
        try {
            // The body handler must be set while the event loop delivers the response, so the second compose is
            // nested in the first: chained on the sender thread, it could be attached only after a fast answer had
            // ended, and Vert.x 4.5 drops the end of a response whose body() comes late (eclipse-vertx/vert.x#6038;
            // its request timeout is off once the head has arrived). That was the harness's "lost answer": the
            // service's access log showed a 201 for each post the harness waited 30 s for.
            return http.request(options)
                    .compose(request -> request.send(Buffer.buffer(body))
                            .compose(response -> response.body().map(answer -> new Reply(response.statusCode(),
                                    response.getHeader("Retry-After"), answer.toString()))))
                    .toCompletionStage().toCompletableFuture()
                    .get(REQUEST_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no answer in " + REQUEST_TIMEOUT, e);
        }
    }

    /** Closes the connections and the event loop. */
    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static String messageId(String body) {
        try {
            JsonNode id = JSON.readTree(body).get("id");
            return id == null ? null : id.asText();
        } catch (IOException e) {
            return null;
        }
    }

    private void awaitUserSlot(int user) {
        AtomicLong next = userNextSlot[user];
        long slot;
        while (true) {
            long now = System.nanoTime();
            long current = next.get();
            slot = current == Long.MIN_VALUE ? now : Math.max(now, current);
            if (userIntervalNanos == 0 && slot == now) {
                break;
            }
            if (next.compareAndSet(current, slot + userIntervalNanos)) {
                break;
            }
        }
        long wait;
        while ((wait = slot - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private void blockUser(int user, String retryAfter) {
        long seconds;
        try {
            seconds = Long.parseLong(retryAfter.trim());
        } catch (NumberFormatException e) {
            seconds = 1;
        }
        long until = System.nanoTime() + Math.min(MAX_RETRY_AFTER_NANOS, Math.max(0, seconds) * 1_000_000_000L);
        userNextSlot[user].accumulateAndGet(until, (a, b) -> a == Long.MIN_VALUE ? b : Math.max(a, b));
    }

    private void noteError(String error) {
        if (firstError == null) {
            firstError = error.length() > 300 ? error.substring(0, 300) : error;
        }
    }
}
