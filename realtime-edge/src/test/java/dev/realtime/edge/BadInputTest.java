package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad client input gets its error frame (or its documented close), is logged once and never with a
 * token, and leaves the other sessions alone.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class BadInputTest {
    @TestHTTPResource("/ws")
    URI http;

    URI ws;
    final List<LogRecord> logged = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
        Logger.getLogger("dev.realtime.edge").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("dev.realtime.edge").removeHandler(capture);
    }

    @Test
    void everyBadFrameIsAnsweredTheSessionSurvivesAndOthersAreUnaffected() {
        String bad = Edge.unique("badger");
        String good = Edge.unique("goodwin");
        String secret = Edge.token(bad);
        try (WsTestClient badClient = Edge.connect(ws, bad);
                WsTestClient goodClient = Edge.connect(ws, good)) {
            List<String> frames = List.of(
                    "not json at all " + secret,
                    "{\"type\":\"subscribe\",\"room\":\"all\"",
                    "\"just a string\"",
                    "null",
                    "[".repeat(3000) + "]".repeat(3000),
                    "{\"type\":\"subscribe\",\"id\":\"w1\",\"room\":[\"all\"]}",
                    "{\"type\":\"subscribe\",\"id\":\"w2\",\"room\":\"conversation:" + "x".repeat(200) + "\"}",
                    "{\"type\":\"subscribe\",\"id\":\"w3\",\"room\":\"conversation:\\u0000\\u202e\"}",
                    "{\"type\":\"subscribe\",\"id\":\"w4\",\"room\":\"\"}",
                    "{\"type\":\"unsubscribe\",\"id\":\"w5\",\"room\":\"user:\"}",
                    "{\"type\":\"refresh\",\"id\":\"w6\",\"token\":\"" + secret + "x\"}",
                    "{\"type\":\"refresh\",\"id\":\"w7\",\"token\":null}",
                    "{\"type\":\"typing\",\"id\":\"w8\",\"room\":\"conversation:nope\"}",
                    "{\"type\":{\"nested\":true},\"id\":\"w9\"}",
                    "{\"type\":\"SUBSCRIBE\",\"id\":\"w10\",\"room\":\"all\"}");
            for (String frame : frames) {
                badClient.send(frame);
            }
            // Each frame is answered exactly once, in order, and each answer is an error.
            await().atMost(WAIT).until(() -> errors(badClient).size() == frames.size());
            List<JsonNode> errors = errors(badClient);
            for (int i = 0; i < 5; i++) {
                assertEquals("frame.invalid", errors.get(i).path("code").asText(), errors.get(i).toString());
            }
            assertEquals(List.of("frame.invalid", "room.not_found", "room.not_found", "room.not_found",
                            "room.not_found", "token.invalid", "frame.invalid", "room.not_found", "frame.invalid",
                            "frame.invalid"),
                    errors.subList(5, frames.size()).stream().map(frame -> frame.path("code").asText()).toList());
            assertEquals("w10", errors.get(frames.size() - 1).path("id").asText());

            // The bad client still works, and the good one never noticed.
            assertEquals("ack", Edge.subscribeAndAwait(badClient, "ok", "all").path("type").asText());
            IntegrationEvent event = Edge.event(Room.user(good), "notification.notification.new.v1", 1L,
                    Map.of("title", "unaffected"));
            Edge.publish(Topics.NOTIFICATION_EVENTS, event);
            goodClient.await(Edge.eventWithId(event.id()), WAIT);
            assertTrue(goodClient.received().stream().noneMatch(Edge.ofType("error")));
        }
        List<LogRecord> records;
        synchronized (logged) {
            records = List.copyOf(logged);
        }
        for (LogRecord record : records) {
            String text = format(record);
            assertFalse(text.contains(secret.substring(secret.lastIndexOf('.') + 1)), "token logged: " + text);
        }
        long infoAboutBad = records.stream()
                .filter(record -> record.getLevel().intValue() >= Level.INFO.intValue())
                .filter(record -> format(record).contains(bad)).count();
        assertEquals(1, infoAboutBad, "one INFO line for the misbehaving connection");
    }

    @Test
    void aBinaryFrameDoesNotHurtTheConnectionOrOthers() {
        try (WsTestClient client = Edge.connect(ws, Edge.unique("bin"))) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertEquals("ack", Edge.subscribeAndAwait(client, "ok", "all").path("type").asText());
        }
    }

    private static List<JsonNode> errors(WsTestClient client) {
        return client.received().stream().filter(Edge.ofType("error")).toList();
    }

    private static String format(LogRecord record) {
        String message = record.getMessage() == null ? "" : record.getMessage();
        Object[] parameters = record.getParameters();
        StringBuilder text = new StringBuilder(message);
        if (parameters != null) {
            for (Object parameter : parameters) {
                text.append(' ').append(parameter);
            }
        }
        if (record.getThrown() != null) {
            text.append(' ').append(record.getThrown());
        }
        return text.toString();
    }
}
