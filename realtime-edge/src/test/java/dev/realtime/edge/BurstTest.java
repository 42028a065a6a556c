package dev.realtime.edge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.RawWsClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A burst from upstream (Kafka back after an outage, a relay catching up) is not a slow client: a client that is
 * busy while hundreds of events arrive at once, then reads, gets every one of them, once and in order, and stays
 * connected. The frames that found its send queue full are caught up from the last seq it got, like a resume.
 * (A client that does not read at all is still closed with 4008: LimitsTest.)
 */
@QuarkusTest
@TestProfile(BurstTest.SmallQueue.class)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class BurstTest {
    private static final Duration LONG_WAIT = Duration.ofSeconds(60);
    private static final int EVENTS = 600;

    /** A queue of 20 frames, so a burst overflows it; a window large enough to replay the whole burst. */
    public static class SmallQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("realtime.limits.send-queue", "20",
                    "realtime.resume.window-per-room", "1000");
        }
    }

    @TestHTTPResource("/ws")
    URI http;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void aClientBusyDuringABurstGetsEveryEventOnceInOrderAndStaysConnected() {
        String user = Edge.unique("wanda");
        Room own = Room.user(user);
        double fellBehindBefore = Edge.counter("realtime_edge_send_queue_overflows_total");
        try (RawWsClient client = RawWsClient.connect(ws, Edge.token(user), 4096)) {
            client.readUntil(text -> text.contains("\"welcome\""), Edge.WAIT);
            // The client is busy (reads nothing) while the burst arrives: 600 events of 8 KB at once.
            String body = "x".repeat(8_000);
            for (long seq = 1; seq <= EVENTS; seq++) {
                Edge.producer().send(CloudEventCodec.toRecord(Topics.NOTIFICATION_EVENTS, Edge.event(own,
                        "notification.notification.new.v1", seq, Map.of("title", "n" + seq, "body", body))));
            }
            Edge.producer().flush();
            // Only once the edge had to drop frames for it does the client start reading, as a busy tab would.
            await().atMost(LONG_WAIT).until(() -> Edge.counter("realtime_edge_send_queue_overflows_total")
                    > fellBehindBefore);

            List<String> texts = client.readUntil(text -> text.contains("\"seq\":" + EVENTS + ","), LONG_WAIT);
            List<Long> seqs = new ArrayList<>();
            for (String text : texts) {
                JsonNode frame = Json.mapper().readTree(text);
                assertTrue(!"resync".equals(frame.path("type").asText()), "nothing was lost: " + text);
                if ("event".equals(frame.path("type").asText()) && own.name().equals(frame.path("room").asText())) {
                    seqs.add(frame.path("seq").asLong());
                }
            }
            List<Long> expected = new ArrayList<>();
            for (long seq = 1; seq <= EVENTS; seq++) {
                expected.add(seq);
            }
            assertEquals(expected, seqs, "every event once, in order");
            assertTrue(Edge.counter("realtime_edge_catch_ups_total") >= 1, "the session was caught up");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
