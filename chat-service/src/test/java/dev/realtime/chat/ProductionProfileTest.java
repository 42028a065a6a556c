package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static dev.realtime.chat.ChatFixtures.conversation;
import static dev.realtime.chat.ChatFixtures.posted;
import static dev.realtime.chat.ChatFixtures.user;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The production profile, as a packaged chat-service runs it, started against the local PostgreSQL, an embedded
 * Kafka broker and a real OIDC server that stand in for the deployment's: the addresses come from outside (here
 * the test resources, in a deployment the environment), and the service works end to end.
 */
@QuarkusTest
@TestProfile(ProductionProfile.class)
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
        CorsChecks.noCrossOriginAllowed("/api/conversations");
    }

    @Test
    void theProductionProfileServesRequestsWithRealTokensAndPublishesToKafka() {
        assertTrue(ConfigUtils.getProfiles().contains("prod"), "profiles: " + ConfigUtils.getProfiles());
        String issuer = ConfigProvider.getConfig().getValue("quarkus.oidc.auth-server-url", String.class);
        assertTrue(!issuer.contains("/realms/dev"), "no development issuer in production: " + issuer);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/api/conversations").then().statusCode(401);

        String alice = user("alice");
        String id = conversation(alice, user("bob"));
        String messageId = posted(alice, id, "in production");
        as(alice).get("/api/conversations/{id}/messages", id).then().statusCode(200);
        try (TopicReader reader = TopicReader.of(Topics.CHAT_EVENTS)) {
            var record = reader.awaitRecords(r -> ("conversation:" + id).equals(r.key())
                    && "chat.message.new.v1".equals(CloudEventCodec.fromRecord(r).type()), 1, Duration.ofSeconds(30)).get(0);
            assertEquals(messageId, CloudEventCodec.fromRecord(record)
                    .dataAs(dev.realtime.contracts.chat.MessageNew.class).messageId());
        }
    }
}
