package dev.realtime.edge;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.RestAssured;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The memberships were written before the application started; once readiness says UP, every one of them is in
 * force without any further waiting. (That readiness is DOWN while the replay is still behind is shown step by
 * step in MembershipFollowerTest.)
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class ReadinessTest {
    @TestHTTPResource("/ws")
    URI http;

    @Test
    void readyMeansTheMembershipsWrittenBeforeStartUpAreInForce() {
        Edge.awaitReady();
        RestAssured.get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("membership-index", "event-delivery"))
                .body("checks.find { it.name == 'membership-index' }.data.caughtUp", equalTo(true))
                .body("checks.find { it.name == 'membership-index' }.data.recordsBehindStartup", equalTo(0));

        try (WsTestClient client = Edge.connect(Edge.wsUri(http), SeededMembershipsResource.USER)) {
            for (int i : new int[] {0, SeededMembershipsResource.ROOMS / 2, SeededMembershipsResource.ROOMS - 1}) {
                String room = SeededMembershipsResource.seeded(i).name();
                assertEquals("ack", Edge.subscribeAndAwait(client, "s" + i, room).path("type").asText(), room);
            }
            String revoked = SeededMembershipsResource.REVOKED.name();
            assertEquals("room.not_found", Edge.subscribeAndAwait(client, "r", revoked).path("code").asText());
        }
    }
}
