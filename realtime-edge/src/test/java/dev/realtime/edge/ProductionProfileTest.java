package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.ProductionProfile;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.RestAssured;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The production profile, as a packaged edge runs it, against an embedded Kafka broker and a real OIDC server that
 * stand in for the deployment's: the addresses come from outside, and a browser-style client is served end to end.
 */
@QuarkusTest
@TestProfile(ProductionProfileTest.Packaged.class)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class ProductionProfileTest {
    /** The production profile with what the deployment passes besides the addresses: the edge's client secret. */
    public static class Packaged extends ProductionProfile {
        @Override
        protected Map<String, String> extraOverrides() {
            return Map.of("quarkus.oidc-client.credentials.secret", "secret");
        }
    }

    @TestHTTPResource("/ws")
    URI http;

    @Test
    void theProductionProfileAuthenticatesWithRealTokensAndDeliversFromKafka() {
        assertTrue(ConfigUtils.getProfiles().contains("prod"), "profiles: " + ConfigUtils.getProfiles());
        String issuer = ConfigProvider.getConfig().getValue("quarkus.oidc.auth-server-url", String.class);
        assertTrue(!issuer.contains("/realms/dev"), "no development issuer in production: " + issuer);
        Edge.awaitReady();
        RestAssured.get("/q/health/ready").then().statusCode(200);
        // Before any connection: the counters of rare events already have a series, at 0.
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : List.of("realtime_edge_send_queue_overflows_total 0.0", "realtime_edge_catch_ups_total 0.0",
                "realtime_edge_closes_total{code=\"4008\"} 0.0", "realtime_edge_closes_total{code=\"1001\"} 0.0",
                "realtime_edge_frames_refused_total{code=\"room.not_found\"} 0.0",
                "realtime_edge_frames_refused_total{code=\"rate.limited\"} 0.0",
                "realtime_edge_events_invalid_total{topic=\"records.events\"} 0.0")) {
            assertTrue(metrics.contains(series), series + " missing at start");
        }

        String alice = Edge.unique("alice");
        try (WsTestClient client = WsTestClient.connectWithSubprotocolToken(Edge.wsUri(http), Edge.token(alice))) {
            assertEquals(alice, client.awaitType("welcome", WAIT).path("user").asText());
            IntegrationEvent change = Edge.recordChanged(Room.ALL, Audience.ofUsers(alice));
            Edge.publish(Topics.RECORDS_EVENTS, change);
            JsonNode frame = client.await(Edge.eventWithId(change.id()), WAIT);
            assertEquals("record:changed", frame.path("event").asText());
            assertEquals("user:" + alice, frame.path("room").asText());
        }
    }
}
