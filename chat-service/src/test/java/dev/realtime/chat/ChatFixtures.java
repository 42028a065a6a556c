package dev.realtime.chat;

import static io.restassured.RestAssured.given;

import dev.realtime.testkit.Tokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** REST calls of the tests, as a given user with a real token. */
public final class ChatFixtures {
    private ChatFixtures() {
    }

    public static RequestSpecification as(String user) {
        return given().auth().oauth2(Tokens.accessToken(user)).contentType(ContentType.JSON);
    }

    /** A user name no other test uses, so that rate limits and conversation lists do not mix. */
    public static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String conversation(String owner, String... others) {
        return as(owner).body(Map.of("title", "Test " + owner, "participants", List.of(others)))
                .post("/api/conversations").then().statusCode(201).extract().path("id");
    }

    public static ValidatableResponse post(String user, String conversation, String text) {
        return as(user).body(Map.of("text", text)).post("/api/conversations/{id}/messages", conversation).then();
    }

    public static String posted(String user, String conversation, String text) {
        return post(user, conversation, text).statusCode(201).extract().path("id");
    }

    /** Runs {@code work} for every item at once, a thread each, released together; the results in the items' order. */
    public static <T, R> List<R> atOnce(List<T> items, Function<T, R> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(items.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return work.apply(item);
                }));
            }
            start.countDown();
            List<R> results = new ArrayList<>();
            for (Future<R> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
