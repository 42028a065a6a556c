package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.testkit.InvalidIdentities;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.Tokens;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A validly signed token whose sub cannot be a user id opens no connection, calls no API and refreshes nothing. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class InvalidIdentityTest {
    @TestHTTPResource("/ws")
    URI http;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void theUpgradeOfSuchAnIdentityIsRefusedWith401InTheHeaderOrTheBrowserCarrier() {
        InvalidIdentities.tokens().forEach((label, token) -> {
            assertEquals(401, Edge.handshakeStatus(HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token), ws), label);
            String carrier = URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + token,
                    StandardCharsets.UTF_8).replace("+", "%20");
            assertEquals(401, Edge.handshakeStatus(HttpClient.newHttpClient().newWebSocketBuilder()
                    .subprotocols("bearer-token-carrier", carrier), ws), label + ", browser carrier");
        });

        // The same upgrade with a valid sub opens, so the refusals above are the sub's doing.
        String kim = Edge.unique("kim");
        try (WsTestClient client = WsTestClient.connect(ws, Tokens.accessTokenWithSubject("odd-user", kim))) {
            assertEquals(kim, client.awaitType("welcome", WAIT).path("user").asText());
        }
    }

    @Test
    void theServerApiRefusesAServiceTokenOfSuchAnIdentityWithAProblem() {
        String user = Edge.unique("lena");
        InvalidIdentities.tokens("service").forEach((label, token) -> InvalidIdentities.assertRefused(
                given().auth().oauth2(token).post("/api/v1/users/{user}/disconnect", user), label));
        given().auth().oauth2(Edge.token(Edge.unique("svc"), "service"))
                .post("/api/v1/users/{user}/disconnect", user).then().statusCode(202);
    }

    @Test
    void aRefreshToSuchAnIdentityIsRefusedAndTheConnectionKeepsItsUser() {
        String mia = Edge.unique("mia");
        try (WsTestClient client = Edge.connect(ws, mia)) {
            int n = 0;
            // Named like the connection's user, so that only the sub tells them apart.
            for (Map.Entry<String, String> invalid : InvalidIdentities.tokensNamed(mia).entrySet()) {
                String id = "r" + n++;
                client.send(Map.of("type", "refresh", "id", id, "token", invalid.getValue()));
                JsonNode refused = client.await(Edge.answerTo(id), WAIT);
                assertEquals("error", refused.path("type").asText(), invalid.getKey() + ": " + refused);
                String code = refused.path("code").asText();
                assertTrue(code.equals("token.subject_mismatch") || code.equals("token.invalid"),
                        invalid.getKey() + ": " + refused);
            }
            assertEquals("ack", Edge.subscribeAndAwait(client, "s", "user:" + mia).path("type").asText());
            assertTrue(client.isOpen(), "closed: " + client.received());
        }
    }

}
