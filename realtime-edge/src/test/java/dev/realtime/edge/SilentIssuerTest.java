package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.Tokens;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's own token comes from an issuer that takes the request and never answers: a resume that needs the
 * owner ends as {@code history.unavailable} instead of waiting for good, and once the issuer answers again a
 * client that subscribes again gets its history (the pending token request did not stay shared forever).
 */
@QuarkusTest
@TestProfile(SilentIssuerTest.WithSilentIssuer.class)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class SilentIssuerTest {
    /** Whether the token endpoint answers; until then it keeps every request open without a byte. */
    static final AtomicBoolean ISSUER_ANSWERS = new AtomicBoolean();
    static final AtomicInteger TOKEN_REQUESTS = new AtomicInteger();
    static HttpServer stubs;

    /** The edge's client token from {@link #stubs}' /token, discovery off; chat-service's history from /api. */
    public static class WithSilentIssuer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String base = "http://127.0.0.1:" + startStubs();
            return Map.of("quarkus.oidc-client.discovery-enabled", "false",
                    "quarkus.oidc-client.token-path", base + "/token",
                    "realtime.resume.fetch-timeout", "2s",
                    "realtime.chat.url", base);
        }
    }

    @TestHTTPResource("/ws")
    URI http;
    @Inject
    MembershipIndex index;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void aResumeEndsWhileTheIssuerIsSilentAndWorksOnceItAnswers() {
        Room room = Room.conversation(Edge.unique("c"));
        String alice = Edge.unique("alice");
        Edge.grant(room, alice);
        await().atMost(WAIT).until(() -> index.isMember(room, alice));
        // The edge's window starts at seq 3: seqs 1 and 2 only the owner has.
        Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 3, "bob", "three"));
        try (WsTestClient client = Edge.connect(ws, alice)) {
            client.send(Map.of("type", "subscribe", "id", "probe", "room", room.name(), "since", 2));
            client.await(frame -> Edge.eventFor(room).test(frame) && frame.path("seq").asLong() == 3, WAIT);
            client.send(Map.of("type", "unsubscribe", "id", "probe-off", "room", room.name()));
            client.await(Edge.answerTo("probe-off"), WAIT);

            client.send(Map.of("type", "subscribe", "id", "silent", "room", room.name(), "since", 0));
            JsonNode resume = client.await(Edge.answerTo("silent"), WAIT).path("resume");
            assertFalse(resume.path("complete").asBoolean(), resume.toString());
            assertEquals("history.unavailable", resume.path("reason").asText(), resume.toString());
            await().atMost(WAIT).until(() -> TOKEN_REQUESTS.get() > 0);
            client.send(Map.of("type", "unsubscribe", "id", "silent-off", "room", room.name()));
            client.await(Edge.answerTo("silent-off"), WAIT);

            ISSUER_ANSWERS.set(true);
            // As a client does after history.unavailable: subscribe again later, until the history comes.
            AtomicInteger attempt = new AtomicInteger();
            await().atMost(WAIT.multipliedBy(2)).until(() -> {
                String id = "again-" + attempt.incrementAndGet();
                client.send(Map.of("type", "subscribe", "id", id, "room", room.name(), "since", 0));
                boolean complete = client.await(Edge.answerTo(id), WAIT).path("resume").path("complete").asBoolean();
                if (!complete) {
                    client.send(Map.of("type", "unsubscribe", "id", id + "-off", "room", room.name()));
                    client.await(Edge.answerTo(id + "-off"), WAIT);
                }
                return complete;
            });
            // The owner's seqs 1 and 2 came before that ack (a resume's events precede its answer).
            assertEquals(List.of(1L, 2L), client.received().stream()
                    .filter(frame -> Edge.eventFor(room).test(frame) && frame.path("seq").asLong() < 3)
                    .map(frame -> frame.path("seq").asLong()).toList());
        }
    }

    static synchronized int startStubs() {
        if (stubs == null) {
            try {
                stubs = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stubs.createContext("/token", exchange -> {
                TOKEN_REQUESTS.incrementAndGet();
                if (!ISSUER_ANSWERS.get()) {
                    return; // the request stays open, unanswered, until the edge gives up on it
                }
                respond(exchange, "{\"access_token\":\"" + Tokens.accessToken("realtime-edge", "history-reader")
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
            });
            stubs.createContext("/api/conversations/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                String id = path.substring("/api/conversations/".length(), path.length() - "/events".length());
                if (exchange.getRequestHeaders().getFirst(RoomEventPage.ON_BEHALF_OF) == null) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                String item = "{\"room\":\"conversation:%s\",\"event\":\"message:new\",\"eventId\":\"owner-%s-%d\","
                        + "\"seq\":%d,\"actor\":\"bob\",\"data\":{\"text\":\"m%d\"}}";
                respond(exchange, "{\"items\":[" + String.format(item, id, id, 1, 1, 1) + ","
                        + String.format(item, id, id, 2, 2, 2) + "],\"lastSeq\":2,\"hasMore\":false}");
            });
            stubs.setExecutor(Executors.newCachedThreadPool());
            stubs.start();
        }
        return stubs.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
