package dev.realtime.notification;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.testkit.DatabaseOutage;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The consumer policy against a real outage of this service's own database (connections refused and cut) while
 * source events keep arriving on Kafka: the consumers stall and say so (metric, readiness) instead of giving up, stay
 * in their group, and once the database is back
 * every event has its effect exactly once.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ConsumerOutageTest {
    static final Duration OUTAGE_WAIT = Duration.ofSeconds(90);
    static final int MESSAGES = 5;

    @Test
    void notificationsOfEventsThatArriveDuringADatabaseOutageAreAllStoredOnceAfterIt() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String carol = Sources.user("carol");
        String dana = Sources.user("dana");
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Outage", alice, List.of(alice, bob, carol), null);
        // The first notifications of a fresh test JVM wait for the group to form and a cold start: a long wait.
        await().atMost(OUTAGE_WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> Inbox.items(bob).size() == 1 && Inbox.items(carol).size() == 1);
        Inbox.items(dana);

        List<String> messages = new ArrayList<>();
        String memberEvent;
        try (DatabaseOutage outage = DatabaseOutage.begin(config("quarkus.datasource.jdbc.url"),
                config("quarkus.datasource.username"), ConfigProvider.getConfig()
                        .getOptionalValue("quarkus.datasource.password", String.class).orElse(""))) {
            for (int i = 0; i < MESSAGES; i++) {
                messages.add(Sources.messageNew(Sources.message(conversation, alice, "during the outage " + i, List.of())));
            }
            memberEvent = Sources.member(true, Sources.id(), "Outage project", dana, "owner");

            // Both consumers stall on their event and say so, retrying for longer than the old give-up (6 attempts).
            await().atMost(OUTAGE_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                String metrics = metrics();
                return gauge(metrics, "consumer_stalled_seconds{consumer=\"notification-chat\"}") > 12
                        && gauge(metrics, "consumer_stalled_seconds{consumer=\"notification-activity\"}") > 0
                        && gauge(metrics, "consumer_retries_total{consumer=\"notification-chat\",topic=\"chat.events\"}") > 8;
            });
            assertEquals("DOWN", consumersReadiness());
        }

        // Back: every notification once, none lost, none twice.
        await().atMost(OUTAGE_WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> Inbox.items(bob).size() >= MESSAGES + 1 && Inbox.items(carol).size() >= MESSAGES + 1
                        && !Inbox.items(dana).isEmpty());
        for (String member : List.of(bob, carol)) {
            Inbox.staysAt(member, MESSAGES + 1, Duration.ofSeconds(2));
            Map<Object, Long> bySource = Inbox.items(member).stream()
                    .collect(Collectors.groupingBy(item -> item.get("sourceEventId"), Collectors.counting()));
            for (String message : messages) {
                assertEquals(1L, bySource.get(message), "notifications of " + message + " for " + member);
            }
            assertEquals(MESSAGES + 1L, Inbox.unread(member));
        }
        Inbox.staysAt(dana, 1, Duration.ofSeconds(1));
        assertEquals(memberEvent, Inbox.items(dana).get(0).get("sourceEventId"));
        Inbox.staysAt(alice, 0, Duration.ofMillis(500));

        await().atMost(OUTAGE_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> "UP".equals(consumersReadiness())
                && gauge(metrics(), "consumer_stalled_seconds{consumer=\"notification-chat\"}") == 0);
    }

    static String consumersReadiness() {
        return given().get("/q/health/ready").then().extract().jsonPath()
                .getString("checks.find { it.name == 'kafka-consumers' }.status");
    }

    static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the series that starts with {@code series} (name and labels in order), or -1. */
    static double gauge(String metrics, String series) {
        Function<String, Double> value = line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        String prefix = series.endsWith("}") ? series.substring(0, series.length() - 1) : series;
        return metrics.lines().filter(line -> line.startsWith(prefix)).map(value).findFirst().orElse(-1.0);
    }

    static String config(String name) {
        return ConfigProvider.getConfig().getValue(name, String.class);
    }
}
