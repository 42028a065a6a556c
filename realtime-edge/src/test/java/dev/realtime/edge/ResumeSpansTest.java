package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.Tokens;
import dev.realtime.testkit.WsTestClient;
import dev.realtime.testkit.tracing.TracingProfile;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, a resume that reads the room's owner is a span of its own, and the owner's request continues it:
 * the edge sends the span as {@code traceparent}. Replayed frames carry the trace of their own events.
 */
@QuarkusTest
@TestProfile(ResumeSpansTest.WithOwner.class)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class ResumeSpansTest {
    /** The traceparent headers the owner received. */
    static final List<String> OWNER_CALLS = new CopyOnWriteArrayList<>();
    /** Per conversation id: the X-On-Behalf-Of and the Authorization header of the owner's requests. */
    static final Map<String, List<String>> OWNER_CREDENTIALS = new ConcurrentHashMap<>();
    static final String EVENT_TRACE = TraceParent.random().traceId();
    static HttpServer owner;

    /** Tracing on, and chat-service's events endpoint answered by {@link #owner}. */
    public static class WithOwner extends TracingProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("realtime.chat.url", "http://127.0.0.1:" + startOwner());
            return config;
        }
    }

    @TestHTTPResource("/ws")
    URI http;
    @Inject
    MembershipIndex index;
    @Inject
    InMemorySpanExporter spans;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void aResumeFromTheOwnerIsASpanTheOwnersRequestContinues() {
        Room room = Room.conversation(Edge.unique("c"));
        String alice = Edge.unique("alice");
        Edge.grant(room, alice);
        await().atMost(WAIT).until(() -> index.isMember(room, alice));
        // The edge's window starts at seq 3: seqs 1 and 2 only the owner has.
        Edge.publish(Topics.CHAT_EVENTS, Edge.message(room, 3, "bob", "three"));
        try (WsTestClient probe = Edge.connect(ws, alice)) {
            probe.send(Map.of("type", "subscribe", "id", "p", "room", room.name(), "since", 2));
            probe.await(frame -> Edge.eventFor(room).test(frame) && frame.path("seq").asLong() == 3, WAIT);
        }

        try (WsTestClient client = Edge.connect(ws, alice)) {
            client.send(Map.of("type", "subscribe", "id", "s1", "room", room.name(), "since", 0));
            JsonNode first = client.await(frame -> Edge.eventFor(room).test(frame) && frame.path("seq").asLong() == 1, WAIT);
            assertEquals(EVENT_TRACE, first.path("traceId").asText(), "a replayed frame names its event's trace");
            assertTrue(client.await(Edge.answerTo("s1"), WAIT).path("resume").path("complete").asBoolean(), "complete");
        }
        String header = OWNER_CALLS.stream().filter(call -> call.contains(room.id())).findFirst().orElseThrow();
        TraceParent sent = TraceParent.parse(header.substring(header.indexOf(' ') + 1)).orElseThrow();
        SpanData resume = await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(sent.traceId())).toList(), found -> found.size() == 1).get(0);
        assertEquals("resume conversation", resume.getName());
        assertEquals(sent.parentId(), resume.getSpanId(), "the owner's request continues the resume's span");
        assertEquals(room.name(), resume.getAttributes().get(AttributeKey.stringKey("realtime.room")));
        assertEquals(2L, resume.getAttributes().get(AttributeKey.longKey("realtime.resume.replayed")));
        assertEquals(Boolean.TRUE, resume.getAttributes().get(AttributeKey.booleanKey("realtime.resume.complete")));

        // The edge read on alice's behalf with a token of its own, never hers (the session keeps none).
        List<String> credentials = OWNER_CREDENTIALS.get(room.id());
        assertEquals(alice, credentials.get(0), RoomEventPage.ON_BEHALF_OF);
        String bearer = credentials.get(1);
        assertTrue(bearer != null && bearer.startsWith("Bearer "), "the edge's request carries a bearer token");
        String subject = Tokens.claims(bearer.substring("Bearer ".length())).path("sub").asText();
        assertNotEquals(alice, subject, "the edge's own token, not the member's");
    }

    /** chat-service's events endpoint for every room: seqs 1 and 2, then nothing more. */
    static synchronized int startOwner() {
        if (owner == null) {
            try {
                owner = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            owner.createContext("/api/conversations/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                String id = path.substring("/api/conversations/".length(), path.length() - "/events".length());
                OWNER_CALLS.add(id + " " + exchange.getRequestHeaders().getFirst("traceparent"));
                String member = exchange.getRequestHeaders().getFirst(RoomEventPage.ON_BEHALF_OF);
                OWNER_CREDENTIALS.putIfAbsent(id, Arrays.asList(member,
                        exchange.getRequestHeaders().getFirst("Authorization")));
                if (member == null) {
                    // As the owners answer a read of nobody's: the edge's own subject is a member of nothing.
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                String item = "{\"room\":\"conversation:%s\",\"event\":\"message:new\",\"eventId\":\"owner-%s-%d\","
                        + "\"seq\":%d,\"actor\":\"bob\",\"traceId\":\"" + EVENT_TRACE + "\",\"data\":{\"text\":\"m%d\"}}";
                byte[] body = ("{\"items\":[" + String.format(item, id, id, 1, 1, 1) + "," + String.format(item, id, id, 2, 2, 2)
                        + "],\"lastSeq\":2,\"hasMore\":false}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            owner.start();
        }
        return owner.getAddress().getPort();
    }
}
