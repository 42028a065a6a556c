package dev.realtime.notification;

import static org.awaitility.Awaitility.await;

import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a user sees of their inbox over REST. */
final class Inbox {
    static final Duration WAIT = Duration.ofSeconds(30);

    private Inbox() {
    }

    static JsonPath list(String user, String... roles) {
        return Sources.as(user, roles).get("/api/notifications").then().statusCode(200).extract().jsonPath();
    }

    static List<Map<String, Object>> items(String user, String... roles) {
        return list(user, roles).getList("items");
    }

    /** Waits until the user's inbox holds {@code count} notifications, and returns them (newest first). */
    static List<Map<String, Object>> awaitItems(String user, int count, String... roles) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> items(user, roles).size() >= count);
        return items(user, roles);
    }

    static long unread(String user) {
        return Sources.as(user).get("/api/notifications/unread-count").then().statusCode(200)
                .extract().jsonPath().getLong("unreadCount");
    }

    /** Asserts the inbox stays at {@code count} items for a while (what should not arrive does not). */
    static void staysAt(String user, int count, Duration during) {
        await().during(during).atMost(during.plusSeconds(5)).pollInterval(Duration.ofMillis(300))
                .until(() -> items(user).size() == count);
    }
}
