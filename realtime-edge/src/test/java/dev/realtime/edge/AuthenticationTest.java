package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class AuthenticationTest {
    @TestHTTPResource("/ws")
    URI http;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void upgradeWithoutTokenIsRefused() {
        assertEquals(401, Edge.handshakeStatus(HttpClient.newHttpClient().newWebSocketBuilder(), ws));
    }

    @Test
    void upgradeWithForgedTokenIsRefused() {
        String token = Edge.token("eve");
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
        assertEquals(401, Edge.handshakeStatus(HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + forged), ws));
    }

    @Test
    void aPlainRequestIsToldToUpgrade() {
        given().header("Authorization", "Bearer " + Edge.token(Edge.unique("ivy")))
                .get(http).then().statusCode(426).header("Upgrade", "websocket")
                .contentType("application/problem+json").body("type", equalTo("/problems/upgrade-required"));
    }

    @Test
    void browserCarrierInTheSubprotocolHeaderAuthenticates() {
        String dana = Edge.unique("dana");
        try (WsTestClient client = WsTestClient.connectWithSubprotocolToken(ws, Edge.token(dana))) {
            JsonNode welcome = client.awaitType("welcome", WAIT);
            assertEquals(dana, welcome.path("user").asText());
            // A browser fails the connection unless the server picks one of the subprotocols it offered.
            assertEquals("bearer-token-carrier", client.subprotocol());

            IntegrationEvent notice = Edge.event(Room.user(dana), "notification.new.v1", 1L, Map.of("title", "hello"));
            Edge.publish(Topics.NOTIFICATION_EVENTS, notice);
            assertEquals("hello", client.await(Edge.eventWithId(notice.id()), WAIT).path("data").path("title").asText());
        }
    }

}
