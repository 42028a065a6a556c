package dev.realtime.chat;

import static dev.realtime.chat.ChatFixtures.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.testkit.InvalidIdentities;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Requests past the HTTP limits get their status with a problem+json body, and change nothing. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class RequestLimitsTest {

    @Test
    void aBodyOverTheLimitIs413WithAProblemAndCreatesNothing() {
        String alice = ChatFixtures.user("alice");
        String title = "huge-" + UUID.randomUUID();
        as(alice).body(Map.of("title", title, "participants", List.of(ChatFixtures.user("bob")),
                        "padding", "x".repeat(2 * 1024 * 1024)))
                .post("/api/conversations")
                .then().statusCode(413)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("/problems/payload-too-large"))
                .body("status", equalTo(413));
        assertEquals(0, InvalidIdentities.count("select count(*) from es_events where data->>'title' = ?", title));
    }

    @Test
    void aRequestLineOverTheLimitIs414WithAProblem() {
        as(ChatFixtures.user("alice")).get("/api/conversations?before=" + "1".repeat(8 * 1024))
                .then().statusCode(414)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("/problems/uri-too-long"))
                .body("status", equalTo(414));
    }

    @Test
    void headersOverTheLimitAre431WithAProblem() {
        as(ChatFixtures.user("alice")).header("X-Padding", "y".repeat(32 * 1024)).get("/api/conversations")
                .then().statusCode(431)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("/problems/header-fields-too-large"))
                .body("status", equalTo(431));
    }
}
