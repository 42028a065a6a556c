package dev.realtime.notification;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

/**
 * One message to a conversation of 1,000 members: every member but the author gets it, other work is not held
 * up meanwhile, and the fan-out shows in the metrics.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class BurstFanoutTest {
    static final Duration BURST_WAIT = Duration.ofSeconds(180);

    @Test
    void aThousandMemberMessageReachesEveryoneWithoutHoldingUpOtherWork() {
        String prefix = Sources.user("crowd");
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            members.add(prefix + "-" + i);
        }
        String author = members.get(0);
        String last = members.get(999);
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Town hall", author, members, null);
        await().atMost(BURST_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> Inbox.items(last).size() == 1);
        await().atMost(BURST_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> pending() == 0);

        Sources.messageNew(Sources.message(conversation, author, "All hands at noon", List.of()));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> pending() > 0);

        // while the burst is being fanned out: another topic's notification and a REST call are served
        String dana = Sources.user("dana");
        Sources.member(true, Sources.id(), "Side project", dana, "owner");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> Inbox.items(dana).size() == 1);
        assertEquals(1L, Inbox.unread(dana));
        assertTrue(pending() > 0, "the burst was still being fanned out when dana's notification arrived");

        await().atMost(BURST_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> Inbox.items(last).size() == 2);
        await().atMost(BURST_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> pending() == 0);
        for (String member : List.of(members.get(1), members.get(500), last)) {
            Map<String, Object> newest = Inbox.items(member).get(0);
            assertEquals("All hands at noon", newest.get("body"));
            assertEquals(2L, Inbox.unread(member));
        }
        Inbox.staysAt(author, 0, Duration.ofMillis(500));

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("notification_fanout_recipients_max") && l.endsWith(" 999.0")),
                "fan-out of 999 recipients in the metrics");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("notification_fanout_lag_seconds_count")),
                "fan-out lag in the metrics");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("kafka_consumer_fetch_manager_records_lag_max")),
                "consumer lag in the metrics");
    }

    static double pending() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("notification_fanout_pending "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
