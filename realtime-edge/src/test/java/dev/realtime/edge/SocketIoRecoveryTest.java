package dev.realtime.edge;

import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.notification.NotificationEventTypes;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO's connection state recovery through the edge's resume, with raw packets: every sequenced event carries the
 * session's offset as its last argument; a CONNECT with the pid and that offset gets what it missed in every room,
 * once and in order, before the CONNECT answer, which repeats the pid only when all of it could be replayed.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class SocketIoRecoveryTest {
    @TestHTTPResource("/")
    URI http;
    @Inject
    MembershipIndex index;

    @BeforeEach
    void ready() {
        Edge.awaitReady();
    }

    private Room conversationOf(String user) {
        Room room = Room.conversation(Edge.unique("c"));
        Edge.grant(room, user);
        await().atMost(WAIT).until(() -> index.isMember(room, user));
        return room;
    }

    private static JsonNode arguments(String packet) throws Exception {
        assertTrue(packet.startsWith("42["), packet);
        return Json.mapper().readTree(packet.substring(2));
    }

    private static String connect(String user, String pid, String offset) {
        Map<String, String> auth = new LinkedHashMap<>();
        auth.put("token", Edge.token(user));
        if (pid != null) {
            auth.put("pid", pid);
            auth.put("offset", offset);
        }
        return "40" + Json.mapper().valueToTree(auth);
    }

    private static String join(int ack, Room room) {
        return "42" + ack + "[\"room:join\",{\"room\":\"" + room.name() + "\"}]";
    }

    private static IntegrationEvent notification(Room own, long seq) {
        return Edge.event(own, NotificationEventTypes.NOTIFICATION_NEW.ceType(), seq, Map.of("title", "n" + seq));
    }

    /**
     * Reads the CONNECT answer's pid, then the sequenced events ("room@seq") up to the first {@code resync}, which
     * follows the replay ("resync:room:reason", the last); a sequenced event before the answer is listed before it.
     */
    private static List<String> recovery(EngineIoClient client) throws Exception {
        List<String> seen = new ArrayList<>();
        boolean connected = false;
        while (true) {
            String packet = client.await(p -> p.startsWith("42[") || p.startsWith("40"));
            if (packet.startsWith("40")) {
                seen.add("pid:" + Json.mapper().readTree(packet.substring(2)).path("pid").asText());
                connected = true;
                continue;
            }
            JsonNode arguments = arguments(packet);
            if (connected && "resync".equals(arguments.get(0).asText())) {
                JsonNode resync = arguments.get(1);
                seen.add("resync:" + resync.path("room").asText() + ":" + resync.path("reason").asText());
                return seen;
            }
            JsonNode event = arguments.get(1);
            if (event.has("seq")) {
                seen.add(event.path("room").asText() + "@" + event.path("seq").asLong());
            }
        }
    }

    private static boolean saw(WsTestClient observer, Room room, long seq) {
        return observer.received().stream()
                .anyMatch(frame -> Edge.eventFor(room).test(frame) && frame.path("seq").asLong() == seq);
    }

    @Test
    void aReconnectWithItsOffsetGetsWhatItMissedInEveryRoomOnceAndInOrderBeforeConnect() throws Exception {
        String ann = Edge.unique("ann");
        Room own = Room.user(ann);
        Room a = conversationOf(ann);
        Room b = conversationOf(ann);
        String pid;
        String offset;
        // Another connection of ann's sees everything live: once it has, this edge's window holds it.
        try (WsTestClient observer = Edge.connect(Edge.wsUri(http.resolve("/ws")), ann)) {
            Edge.subscribeAndAwait(observer, "a", a.name());
            Edge.subscribeAndAwait(observer, "b", b.name());
            try (EngineIoClient first = EngineIoClient.webSocket(http)) {
                first.send(connect(ann, null, null));
                pid = Json.mapper().readTree(first.awaitPrefix("40{").substring(2)).path("pid").asText();
                assertEquals(22, pid.length(), "128 random bits, base64url");
                assertEquals("[\"realtime:position\",\"1.u\"]", first.awaitPrefix("42").substring(2),
                        "right after CONNECT: no position known in the own room (its owner is not reachable here)");
                first.send(join(1, a));
                JsonNode position = arguments(first.awaitPrefix("42[\"realtime:position\""));
                assertEquals("1.u." + position.get(1).asText().substring(4), position.get(1).asText());
                assertEquals(12, position.get(1).asText().length(), "joined at no known head: " + position);
                first.awaitPrefix("431");
                first.send(join(2, b));
                first.awaitPrefix("432");

                Edge.publish(Topics.NOTIFICATION_EVENTS, notification(own, 1));
                Edge.publish(Topics.CHAT_EVENTS, Edge.message(a, 1, ann, "a1"));
                Edge.publish(Topics.CHAT_EVENTS, Edge.message(b, 1, ann, "b1"));
                JsonNode n1 = arguments(first.awaitPrefix("42[\"notification:new\""));
                assertEquals(3, n1.size(), "the offset is the event's last argument: " + n1);
                assertTrue(n1.get(2).asText().startsWith("1.u1."), n1.toString());
                first.awaitPrefix("42[\"message:new\"");
                JsonNode b1 = arguments(first.awaitPrefix("42[\"message:new\""));
                offset = b1.get(2).asText();
                assertEquals(4, offset.split("\\.").length, "a version, the own room and two rooms: " + offset);
            }
            // Missed while away.
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(a, 2, ann, "a2"));
            Edge.publish(Topics.NOTIFICATION_EVENTS, notification(own, 2));
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(b, 2, ann, "b2"));
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(a, 3, ann, "a3"));
            await().atMost(WAIT).until(() -> saw(observer, a, 3) && saw(observer, b, 2) && saw(observer, own, 2));
        }
        try (EngineIoClient second = EngineIoClient.polling(http)) {
            second.send(connect(ann, pid, offset));
            List<String> seen = recovery(second);
            assertEquals(List.of("pid:" + pid, own.name() + "@2", a.name() + "@2", a.name() + "@3", b.name() + "@2",
                    "resync:all:resume.unsequenced"), seen,
                    "CONNECT with the same pid (recovered), then each missed event once, in order");
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(b, 3, ann, "b3"));
            JsonNode live = arguments(second.awaitPrefix("42[\"message:new\""));
            assertEquals(3, live.get(1).path("seq").asLong(), "live after the replay, nothing repeated: " + live);
            assertTrue(live.get(2).asText().startsWith("1.u2."), live.toString());
        }
    }

    @Test
    void anOffsetThatCannotBeReplayedWhollyConnectsWithAFreshPidAndSaysWhichRoomToReload() throws Exception {
        String bo = Edge.unique("bo");
        Room kept = conversationOf(bo);
        Room left = conversationOf(bo);
        String pid;
        String offset;
        try (EngineIoClient first = EngineIoClient.webSocket(http)) {
            first.send(connect(bo, null, null));
            pid = Json.mapper().readTree(first.awaitPrefix("40{").substring(2)).path("pid").asText();
            first.send(join(1, kept), join(2, left));
            first.awaitPrefix("432");
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(left, 1, bo, "l1"));
            offset = arguments(first.awaitPrefix("42[\"message:new\"")).get(2).asText();
        }
        // The user has no position in their own room (nothing arrived there), so that alone makes it incomplete;
        // and one room was left meanwhile: its hash resolves to nothing.
        Edge.revoke(left, bo);
        await().atMost(WAIT).until(() -> !index.isMember(left, bo));
        try (EngineIoClient second = EngineIoClient.webSocket(http)) {
            second.send(connect(bo, pid, offset));
            List<String> seen = recovery(second);
            String fresh = seen.get(0);
            assertNotEquals("pid:" + pid, fresh, "not recovered");
            assertEquals("pid:".length() + 22, fresh.length(), "a fresh pid");
            assertEquals(List.of(fresh, "resync:" + Room.user(bo).name() + ":resume.no_position"), seen);
            assertEquals(kept.name(), arguments(second.awaitPrefix("42[\"resync\"")).get(1).path("room").asText(),
                    "no position either in the room kept: it joins live");
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(left, 2, bo, "not for bo"));
            Edge.publish(Topics.CHAT_EVENTS, Edge.message(kept, 1, bo, "k1"));
            JsonNode live = arguments(second.awaitPrefix("42[\"message:new\"")).get(1);
            assertEquals(kept.name(), live.path("room").asText(), "the room left is not joined again");
        }
        for (String bad : new String[] {"garbage", "1.u1.x", "2.u1", "1.u1." + "A".repeat(5000)}) {
            try (EngineIoClient client = EngineIoClient.webSocket(http)) {
                client.send(connect(bo, pid, bad));
                JsonNode answer = Json.mapper().readTree(client.awaitPrefix("40{").substring(2));
                assertNotEquals(pid, answer.path("pid").asText(), bad);
                client.awaitPrefix("42[\"welcome\"");
            }
        }
    }
}
