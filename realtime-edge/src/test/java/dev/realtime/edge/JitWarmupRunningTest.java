package dev.realtime.edge;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.testkit.KafkaTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * While the JIT warm-up of a packaged edge runs, the edge is not ready and refuses upgrades (503, as while its
 * membership index loads), and the warm-up's frames go through real sockets. What is left afterwards:
 * {@link JitWarmupDoneTest}.
 */
@QuarkusTest
@TestProfile(JitWarmupRunningTest.LongWarmup.class)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class JitWarmupRunningTest {
    /** A warm-up that outlasts the test. */
    public static class LongWarmup implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("realtime.warmup.min", "10m", "realtime.warmup.max", "10m");
        }
    }

    @TestHTTPResource("/ws")
    URI http;

    @Test
    void theEdgeIsNotReadyAndRefusesUpgradesWhileFramesGoThroughLoopbackSockets() {
        // The other checks come up; the warm-up's stays DOWN, with frames written and read on its sockets.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> RestAssured.get("/q/health/ready").then()
                .statusCode(503)
                .body("checks.find { it.name == 'membership-index' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'event-delivery' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'jit-warm-up' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'jit-warm-up' }.data.deliveries", greaterThan(1000))
                .body("checks.find { it.name == 'jit-warm-up' }.data.bytesReceived", greaterThan(10000)));

        assertEquals(503, Edge.handshakeStatus(HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + Edge.token(Edge.unique("early"))), Edge.wsUri(http)));
    }
}
