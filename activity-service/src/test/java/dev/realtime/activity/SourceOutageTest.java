package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.project;
import static dev.realtime.activity.ActivityFixtures.send;
import static dev.realtime.activity.ActivityFixtures.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.records.RecordChanged;
import dev.realtime.contracts.records.Target;
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
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The consumer policy against a real outage of this service's own database (connections refused and cut) while
 * source events keep arriving: the consumer stalls and says so (metric, readiness) instead of skipping, stays in its
 * group (the test profile's max.poll.interval.ms is shorter than the outage), and once the database is back every
 * event is in the feed exactly once.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class SourceOutageTest {
    static final Duration OUTAGE_WAIT = Duration.ofSeconds(90);
    static final int EVENTS = 5;

    @Test
    void recordChangesThatArriveDuringADatabaseOutageAreEachInTheFeedOnceAfterIt() {
        String ana = unique("ana");
        String id = project(ana);
        Config config = ConfigProvider.getConfig();
        List<String> expected = new ArrayList<>();
        try (DatabaseOutage outage = DatabaseOutage.begin(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""))) {
            for (int i = 0; i < EVENTS; i++) {
                send(Topics.RECORDS_EVENTS, SourceConsumerTest.recordChanged(ana, new RecordChanged(
                        new Target("event", "outage-" + i, "Changed during the outage", null), RecordChanged.UPDATED, id,
                        null, null, null)));
                expected.add(0, "record:changed@outage-" + i);
            }
            // The consumer stalls on the first of them and says so; it retries for longer than a "give up after 6
            // attempts" would and than the test profile's max.poll.interval.ms (10 s).
            await().atMost(OUTAGE_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                String metrics = metrics();
                return value(metrics, "consumer_stalled_seconds{consumer=\"activity-sources\"") > 12
                        && value(metrics, "consumer_retries_total{consumer=\"activity-sources\",topic=\"records.events\"") > 8;
            });
            assertEquals("DOWN", consumersReadiness());
        }
        expected.add("member:joined@" + id);
        SourceConsumerTest.awaitFeed(ana, id, expected);
        await().atMost(OUTAGE_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> "UP".equals(consumersReadiness())
                && value(metrics(), "consumer_stalled_seconds{consumer=\"activity-sources\"") == 0);
        // Nothing arrives twice later either.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> SourceConsumerTest.feed(ana, id).equals(expected));
    }

    static String consumersReadiness() {
        return given().get("/q/health/ready").then().extract().jsonPath()
                .getString("checks.find { it.name == 'kafka-consumers' }.status");
    }

    static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the first series that starts with {@code prefix}, or -1. */
    static double value(String metrics, String prefix) {
        return metrics.lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
