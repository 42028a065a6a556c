package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.testkit.ForeignTokens;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A token that is not an access token for this API (ID token, another client's, no audience, issued in the future)
 * or cannot be a JWT at all opens no connection (in the header or the browser carrier), calls no server API and
 * refreshes no connection; never a 500.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class ForeignTokenTest {
    @TestHTTPResource("/ws")
    URI http;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void theUpgradeWithAForeignOrMalformedTokenIsRefusedWith401InTheHeaderOrTheBrowserCarrier() {
        String nina = Edge.unique("nina");
        List<String> answeredOtherwise = new ArrayList<>();
        ForeignTokens.credentials(nina).forEach((label, token) -> {
            int header = upgradeStatus(HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token));
            String carrier = URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + token,
                    StandardCharsets.UTF_8).replace("+", "%20");
            int browser = upgradeStatus(HttpClient.newHttpClient().newWebSocketBuilder()
                    .subprotocols("bearer-token-carrier", carrier));
            if (header != 401 || browser != 401) {
                answeredOtherwise.add(label + ": header " + header + ", browser carrier " + browser);
            }
        });
        assertEquals(List.of(), answeredOtherwise, "upgrades not refused with 401");

        // The same upgrade with nina's access token opens, so the refusals above are the tokens' doing.
        try (WsTestClient client = WsTestClient.connect(ws, Edge.token(nina))) {
            assertEquals(nina, client.awaitType("welcome", WAIT).path("user").asText());
        }
    }

    @Test
    void theServerApiRefusesAForeignOrMalformedServiceToken() {
        String user = Edge.unique("olaf");
        ForeignTokens.assertAllRefused(Edge.unique("svc"), authorization -> given()
                .header("Authorization", authorization).post("/api/v1/users/{user}/disconnect", user), "service");
        given().auth().oauth2(Edge.token(Edge.unique("svc"), "service"))
                .post("/api/v1/users/{user}/disconnect", user).then().statusCode(202);
    }

    @Test
    void aRefreshWithAForeignOrMalformedTokenIsRefusedAndTheConnectionGoesOn() {
        String pia = Edge.unique("pia");
        try (WsTestClient client = Edge.connect(ws, pia)) {
            int n = 0;
            List<String> answeredOtherwise = new ArrayList<>();
            for (Map.Entry<String, String> foreign : ForeignTokens.credentials(pia).entrySet()) {
                String id = "r" + n++;
                client.send(Map.of("type", "refresh", "id", id, "token", foreign.getValue()));
                JsonNode answer = client.await(Edge.answerTo(id), WAIT);
                if (!"error".equals(answer.path("type").asText())
                        || !"token.invalid".equals(answer.path("code").asText())) {
                    answeredOtherwise.add(foreign.getKey() + ": " + answer);
                }
            }
            assertEquals(List.of(), answeredOtherwise, "refreshes not refused with token.invalid");
            assertEquals("ack", Edge.subscribeAndAwait(client, "s", "user:" + pia).path("type").asText());
            assertTrue(client.isOpen(), "closed: " + client.received());
        }
    }

    /** The handshake's status: 101 when the upgrade succeeded (the socket is closed again at once). */
    private int upgradeStatus(WebSocket.Builder builder) {
        try {
            WebSocket socket = builder.connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(ws, new WebSocket.Listener() {
                    }).join();
            socket.abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException handshake) {
                return handshake.getResponse().statusCode();
            }
            throw e;
        }
    }
}
