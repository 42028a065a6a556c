package dev.realtime.notification;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import org.junit.jupiter.api.Test;

/** The service starts on the real stack, reports ready and documents its API. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class NotificationServiceStartupTest {

    @Test
    void startsOnTheRealDatabaseWithTheEventStoreSchemaAndReportsReady() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void servesItsOpenApiDocument() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/notifications"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/notifications/{id}/read"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/notifications/read-all"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/notifications/preferences"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/users/{sub}/events"));
    }
}
