package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.realtime.edge.ops.GracefulShutdown;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * What clients see when an instance shuts down. Runs the shutdown sequence on an application of its own (its
 * own profile), since afterwards that instance accepts no connections.
 */
@QuarkusTest
@TestProfile(ShutdownTest.OwnInstance.class)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class ShutdownTest {
    public static class OwnInstance implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("realtime.shutdown-drain", "3s");
        }
    }

    @TestHTTPResource("/ws")
    URI http;
    @Inject
    GracefulShutdown shutdown;

    @Test
    void shutdownClosesEveryConnectionWithGoingAwayAndRefusesNewOnes() {
        Edge.awaitReady();
        URI ws = Edge.wsUri(http);
        try (WsTestClient first = Edge.connect(ws, Edge.unique("cy"));
                WsTestClient second = Edge.connect(ws, Edge.unique("di"))) {
            shutdown.goAway();
            assertEquals(1001, first.awaitClose(WAIT));
            assertEquals(1001, second.awaitClose(WAIT));

            CompletionException refused = assertThrows(CompletionException.class, () -> HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .header("Authorization", "Bearer " + Edge.token(Edge.unique("ed")))
                    .buildAsync(ws, new WebSocket.Listener() {
                    })
                    .join());
            assertEquals(503, assertInstanceOf(WebSocketHandshakeException.class, refused.getCause())
                    .getResponse().statusCode());
        }
    }
}
