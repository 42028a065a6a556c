package dev.realtime.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackConfig;
import dev.realtime.testkit.WsTestClient;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The first event end to end, on the packaged services started as separate processes exactly as
 * {@code ./local-stack.sh} starts them: a message posted through chat-service's REST API is stored, relayed
 * to Kafka, consumed by realtime-edge and delivered to the WebSocket sessions of the conversation's members,
 * and to no one else. Tokens come from the stack's OIDC issuer, validated by discovery and JWKS.
 */
class FirstEventEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(StackConfig.forTests()
                .withServiceJvmOptions(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aPostedMessageReachesEveryMemberSubscribedToTheConversationAndNoOneElse() {
        String conversation = given().auth().oauth2(token("alice")).contentType(ContentType.JSON)
                .body(Map.of("title", "Release planning", "participants", List.of("bob")))
                .post(stack.chatUrl() + "/api/conversations")
                .then().statusCode(201).extract().path("id");
        String room = "conversation:" + conversation;

        try (WsTestClient alice = WsTestClient.connect(edge(), token("alice"));
                WsTestClient bob = WsTestClient.connectWithSubprotocolToken(edge(), token("bob"));
                WsTestClient carol = WsTestClient.connect(edge(), token("carol"))) {
            assertEquals("bob", bob.awaitType("welcome", WAIT).path("user").asText());
            subscribeOnceMembershipArrived(alice, room);
            subscribeOnceMembershipArrived(bob, room);

            carol.send(Map.of("type", "subscribe", "id", "c1", "room", room));
            JsonNode refused = carol.await(frame -> "c1".equals(frame.path("id").asText()), WAIT);
            assertEquals("error", refused.path("type").asText());
            assertEquals("room.not_found", refused.path("code").asText());

            String messageId = given().auth().oauth2(token("alice")).contentType(ContentType.JSON)
                    .body(Map.of("text", "Ship it on Friday?", "clientMessageId", "m-1"))
                    .post(stack.chatUrl() + "/api/conversations/" + conversation + "/messages")
                    .then().statusCode(201).extract().path("id");

            for (WsTestClient member : List.of(alice, bob)) {
                JsonNode frame = member.await(f -> "event".equals(f.path("type").asText())
                        && "message:new".equals(f.path("event").asText()), WAIT);
                assertEquals(room, frame.path("room").asText());
                assertEquals(2, frame.path("seq").asLong(), "seq is the conversation stream's version");
                assertEquals("alice", frame.path("actor").asText());
                assertEquals(messageId, frame.path("data").path("messageId").asText());
                assertEquals("Ship it on Friday?", frame.path("data").path("text").asText());
                assertTrue(!frame.path("eventId").asText().isEmpty());
            }
            carol.assertNone(frame -> "event".equals(frame.path("type").asText()), Duration.ofSeconds(2));
            bob.assertNone(frame -> "event".equals(frame.path("type").asText())
                    && "message:new".equals(frame.path("event").asText()), Duration.ofSeconds(1));
        }
    }

    /**
     * The membership travels chat-service → relay → realtime.memberships → edge index; until it has arrived a
     * subscribe is refused exactly like a stranger's, and a client tries again, as a front end would after the
     * create call returned.
     */
    static void subscribeOnceMembershipArrived(WsTestClient client, String room) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int attempt = 1; ; attempt++) {
            String id = "s" + attempt;
            client.send(Map.of("type", "subscribe", "id", id, "room", room));
            JsonNode answer = client.await(frame -> id.equals(frame.path("id").asText()), WAIT);
            if ("ack".equals(answer.path("type").asText())) {
                return;
            }
            assertEquals("room.not_found", answer.path("code").asText());
            if (System.nanoTime() > deadline) {
                throw new AssertionError("membership of " + room + " never reached the edge");
            }
            sleep(Duration.ofMillis(200));
        }
    }

    static URI edge() {
        return URI.create(stack.edgeWsUrl() + "/ws");
    }

    static String token(String user) {
        return stack.issuer().token(user);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
