package dev.realtime.edge;

import static dev.realtime.edge.Edge.QUIET;
import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** In-band token refresh, expiry, and the Origin allow-list. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class TokenTest {
    /** Long enough for a slow machine to get through the upgrade, short enough to wait for. */
    private static final Duration SHORT = Duration.ofSeconds(10);
    private static final Duration EXPIRY_WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/ws")
    URI http;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void aTokenThatExpiresWithoutRefreshClosesTheConnectionWith4001() {
        String gus = Edge.unique("gus");
        try (WsTestClient client = WsTestClient.connect(ws, Edge.token(gus, SHORT))) {
            JsonNode welcome = client.awaitType("welcome", WAIT);
            Instant expiresAt = Instant.parse(welcome.path("expiresAt").asText());
            assertTrue(expiresAt.isBefore(Instant.now().plus(SHORT).plusSeconds(1)), welcome.toString());

            assertEquals(4001, client.awaitClose(EXPIRY_WAIT));
            assertTrue(!Instant.now().isBefore(expiresAt), "closed before the token expired");
        }
    }

    @Test
    void aRefreshWithATokenOfTheSameUserKeepsTheConnectionBeyondTheFirstExpiry() {
        String hana = Edge.unique("hana");
        try (WsTestClient client = WsTestClient.connect(ws, Edge.token(hana, SHORT))) {
            Instant firstExpiry = Instant.parse(client.awaitType("welcome", WAIT).path("expiresAt").asText());

            client.send(Map.of("type", "refresh", "id", "r1", "token", Edge.token(hana, Duration.ofMinutes(5))));
            JsonNode ack = client.await(Edge.answerTo("r1"), WAIT);
            assertEquals("ack", ack.path("type").asText(), ack.toString());
            assertTrue(Instant.parse(ack.path("expiresAt").asText()).isAfter(firstExpiry.plusSeconds(60)));

            await().atMost(EXPIRY_WAIT).until(() -> Instant.now().isAfter(firstExpiry.plusSeconds(2)));
            assertTrue(client.isOpen(), "closed although refreshed: " + client.received());
            IntegrationEvent notice = Edge.event(Room.user(hana), "notification.notification.new.v1", 1L,
                    Map.of("title", "still here"));
            Edge.publish(Topics.NOTIFICATION_EVENTS, notice);
            client.await(Edge.eventWithId(notice.id()), WAIT);
        }
    }

    @Test
    void aRefreshWithAnotherUsersTokenIsRefusedAndTheConnectionKeepsItsUser() {
        String ivan = Edge.unique("ivan");
        String judy = Edge.unique("judy");
        try (WsTestClient client = Edge.connect(ws, ivan)) {
            client.send(Map.of("type", "refresh", "id", "r1", "token", Edge.token(judy)));
            JsonNode refused = client.await(Edge.answerTo("r1"), WAIT);
            assertEquals("error", refused.path("type").asText());
            assertEquals("token.subject_mismatch", refused.path("code").asText());

            // Same preferred_username, other subject: the framework alone would compare names and accept it.
            String sameNameOtherSubject = OidcWiremockTestResource.generateJwtToken(ivan, Set.of(), judy, "Bearer");
            client.send(Map.of("type", "refresh", "id", "r2", "token", sameNameOtherSubject));
            assertEquals("token.subject_mismatch", client.await(Edge.answerTo("r2"), WAIT).path("code").asText());

            assertEquals("room.not_found", Edge.subscribeAndAwait(client, "s", "user:" + judy).path("code").asText());
            IntegrationEvent forJudy = Edge.event(Room.user(judy), "notification.notification.new.v1", 1L,
                    Map.of("title", "judy's"));
            IntegrationEvent forIvan = Edge.event(Room.user(ivan), "notification.notification.new.v1", 1L,
                    Map.of("title", "ivan's"));
            Edge.publish(Topics.NOTIFICATION_EVENTS, forJudy);
            Edge.publish(Topics.NOTIFICATION_EVENTS, forIvan);
            client.await(Edge.eventWithId(forIvan.id()), WAIT);
            client.assertNone(Edge.eventWithId(forJudy.id()), QUIET);
        }
    }

    @Test
    void aRefreshWithAForgedOrUnreadableTokenIsRefusedAndTheConnectionStaysUsable() {
        String kate = Edge.unique("kate");
        try (WsTestClient client = Edge.connect(ws, kate)) {
            String token = Edge.token(kate);
            String forged = token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
            client.send(Map.of("type", "refresh", "id", "f", "token", forged));
            assertEquals("token.invalid", client.await(Edge.answerTo("f"), WAIT).path("code").asText());
            client.send(Map.of("type", "refresh", "id", "g", "token", "not-a-jwt"));
            assertEquals("token.invalid", client.await(Edge.answerTo("g"), WAIT).path("code").asText());
            client.send(Map.of("type", "refresh", "id", "h", "token", 42));
            assertEquals("frame.invalid", client.await(Edge.answerTo("h"), WAIT).path("code").asText());

            assertEquals("ack", Edge.subscribeAndAwait(client, "ok", "all").path("type").asText());
        }
    }

    @Test
    void browserPagesFromOriginsNotOnTheAllowListAreRefused() {
        String leo = Edge.unique("leo");
        CompletionException refused = assertThrows(CompletionException.class, () -> HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Authorization", "Bearer " + Edge.token(leo))
                .header("Origin", "https://evil.example")
                .buildAsync(ws, new WebSocket.Listener() {
                })
                .join());
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class,
                refused.getCause());
        assertEquals(403, handshake.getResponse().statusCode());

        try (WsTestClient allowed = WsTestClient.connect(ws, Edge.token(leo), Map.of("Origin", "http://localhost:5173"))) {
            assertEquals(leo, allowed.awaitType("welcome", WAIT).path("user").asText());
        }
    }
}
