package dev.realtime.activity;

import static dev.realtime.activity.ActivityFixtures.activity;
import static dev.realtime.activity.ActivityFixtures.as;
import static dev.realtime.activity.ActivityFixtures.posted;
import static dev.realtime.activity.ActivityFixtures.project;
import static dev.realtime.activity.ActivityFixtures.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
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
 * The production profile, as a packaged activity-service runs it, against the local PostgreSQL, an embedded Kafka
 * broker and a real OIDC server that stand in for the deployment's: the addresses come from outside, and the
 * service works end to end.
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
        CorsChecks.noCrossOriginAllowed("/api/projects");
    }

    @Test
    void theProductionProfileServesRequestsWithRealTokensAndPublishesToKafka() {
        assertTrue(ConfigUtils.getProfiles().contains("prod"), "profiles: " + ConfigUtils.getProfiles());
        String issuer = ConfigProvider.getConfig().getValue("quarkus.oidc.auth-server-url", String.class);
        assertTrue(!issuer.contains("/realms/dev"), "no development issuer in production: " + issuer);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/api/projects").then().statusCode(401);

        String owner = unique("owner");
        String id = project(owner);
        String activityId = posted(id, activity("file:uploaded", owner, "file", unique("f"), "Mix v2"));
        as(owner).get("/api/projects/{id}/activities", id).then().statusCode(200).body("items.id", hasItem(activityId));
        try (TopicReader reader = TopicReader.of(Topics.ACTIVITY_EVENTS)) {
            reader.awaitRecords(r -> ("project:" + id).equals(r.key())
                    && "activity.activity.new.v1".equals(CloudEventCodec.fromRecord(r).type()), 1, Duration.ofSeconds(30));
        }
    }
}
