package dev.realtime.notification;

import static dev.realtime.notification.Sources.conversationCreated;
import static dev.realtime.notification.Sources.id;
import static dev.realtime.notification.Sources.message;
import static dev.realtime.notification.Sources.messageNew;
import static dev.realtime.notification.Sources.user;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.Topics;
import dev.realtime.testkit.CorsChecks;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.ProductionProfile;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The production profile, as a packaged notification-service runs it, against the local PostgreSQL, an embedded
 * Kafka broker and a real OIDC server that stand in for the deployment's: the addresses come from outside, and a
 * message on chat.events becomes a notification in the recipient's inbox and on notification.events.
 */
@QuarkusTest
@TestProfile(ProductionProfileTest.Production.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class ProductionProfileTest {
    /**
     * Without QUARKUS_HTTP_CORS_ORIGINS the production profile allows no cross-origin browser call, not even from
     * the development demo origin: an empty list is not "any origin".
     */
    @Test
    void withoutConfiguredOriginsNoCrossOriginCallIsAllowed() {
        CorsChecks.noCrossOriginAllowed("/api/notifications");
    }

    /** No SMTP server runs in this test. */
    public static class Production extends ProductionProfile {
        @Override
        protected Map<String, String> extraOverrides() {
            return Map.of("quarkus.mailer.mock", "true");
        }
    }

    /** Every consumer's counters exist from the start, per topic of its channel (issue 21): 0, not missing. */
    @Test
    void consumerCountersAreThereBeforeTheFirstEvent() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String[] channel : List.of(new String[] {"notification-chat", "chat.events"},
                new String[] {"notification-activity", "activity.events"},
                new String[] {"notification-records", "records.events"},
                new String[] {"notification-signals", "realtime.signals"},
                new String[] {"notification-connections", "realtime.connections"})) {
            String consumer = "consumer=\"" + channel[0] + "\"";
            String topic = "topic=\"" + channel[1] + "\"";
            // Prometheus orders the labels by name.
            for (String series : List.of("consumer_retries_total{" + consumer + "," + topic + "}",
                    "consumer_events_total{" + consumer + ",outcome=\"handled\"," + topic + "}",
                    "consumer_events_total{" + consumer + ",outcome=\"rejected\"," + topic + "}")) {
                assertTrue(metrics.lines().anyMatch(line -> line.startsWith(series + " ")), series + " missing");
            }
        }
    }

    @Test
    void theProductionProfileTurnsAChatMessageIntoANotification() {
        assertTrue(ConfigUtils.getProfiles().contains("prod"), "profiles: " + ConfigUtils.getProfiles());
        String issuer = ConfigProvider.getConfig().getValue("quarkus.oidc.auth-server-url", String.class);
        assertTrue(!issuer.contains("/realms/dev"), "no development issuer in production: " + issuer);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/api/notifications").then().statusCode(401);

        String alice = user("alice");
        String bob = user("bob");
        String conversation = id();
        conversationCreated(conversation, "Prod check", alice, List.of(alice, bob), null);
        messageNew(message(conversation, alice, "hello from production", List.of()));
        List<Map<String, Object>> items = Inbox.awaitItems(bob, 1);
        assertTrue(String.valueOf(items.get(0).get("body")).contains("hello from production")
                || String.valueOf(items.get(0).get("title")).contains("Prod check"), "notification: " + items);
        try (TopicReader reader = TopicReader.of(Topics.NOTIFICATION_EVENTS)) {
            reader.awaitRecords(r -> ("user:" + bob).equals(r.key())
                    && "notification.notification.new.v1".equals(CloudEventCodec.fromRecord(r).type()), 1,
                    Duration.ofSeconds(30));
        }
    }
}
