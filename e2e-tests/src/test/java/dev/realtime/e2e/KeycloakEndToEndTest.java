package dev.realtime.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackConfig;
import dev.realtime.launcher.KeycloakServer;
import dev.realtime.testkit.WsTestClient;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged services against a real Keycloak that imported the repository's realm (deploy/keycloak, the one
 * docker-compose uses): users sign in with the password grant of the {@code web} client, services with the client
 * credentials of {@code service}; every service validates those tokens by discovery and JWKS, takes the roles from
 * the {@code groups} claim, and refuses a token of the same realm issued for another audience.
 */
class KeycloakEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static KeycloakServer keycloak;
    static LocalStack stack;

    /** The local stack as {@code STACK_IDP=keycloak ./local-stack.sh} runs it. */
    @BeforeAll
    static void start() {
        long begin = System.nanoTime();
        stack = LocalStack.start(StackConfig.forTests().withIdentityProvider(StackConfig.IdentityProvider.KEYCLOAK)
                .withServiceJvmOptions(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")));
        keycloak = stack.keycloak();
        System.out.printf("stack on Keycloak %s ready after %d s%n", keycloak.issuerUrl(),
                Duration.ofNanos(System.nanoTime() - begin).toSeconds());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theDemoAppSignsInWithTheRealmsWebClient() {
        String config = given().get(stack.demoUrl() + "/config.json").then().statusCode(200).extract().asString();
        assertTrue(config.contains("\"issuer\":\"" + keycloak.issuerUrl() + "\""), config);
        assertTrue(config.contains("\"clientId\":\"web\""), config);
    }

    @Test
    void keycloakTokensCarryWhatTheServicesExpect() {
        JsonNode bob = KeycloakServer.claims(user("bob"));
        assertEquals("bob", bob.path("sub").asText());
        assertEquals("realtime", bob.path("aud").asText());
        assertEquals(List.of("user"), strings(bob.path("groups")));
        assertEquals("Bob Cratchit", bob.path("name").asText());
        JsonNode service = KeycloakServer.claims(service());
        assertEquals("service", service.path("sub").asText());
        assertTrue(strings(service.path("groups")).containsAll(List.of("service", "operator")),
                service.toString());
    }

    /** Chat, the edge and notification-service, each with the user's own Keycloak token. */
    @Test
    void aMessageTravelsFromChatThroughTheEdgeToTheInboxOnKeycloakTokens() {
        String conversation = given().auth().oauth2(user("alice")).contentType(ContentType.JSON)
                .body(Map.of("title", "Keycloak check", "participants", List.of("bob")))
                .post(stack.chatUrl() + "/api/conversations")
                .then().statusCode(201).extract().path("id");
        String room = "conversation:" + conversation;
        try (WsTestClient bob = WsTestClient.connect(URI.create(stack.edgeWsUrl() + "/ws"), user("bob"))) {
            assertEquals("bob", bob.awaitType("welcome", WAIT).path("user").asText());
            RealtimeEndToEndTest.subscribeOnceMembershipArrived(bob, room);
            given().auth().oauth2(user("alice")).contentType(ContentType.JSON)
                    .body(Map.of("text", "Signed in on Keycloak", "clientMessageId", "kc-1"))
                    .post(stack.chatUrl() + "/api/conversations/" + conversation + "/messages")
                    .then().statusCode(201);
            JsonNode frame = bob.await(f -> "message:new".equals(f.path("event").asText()), WAIT);
            assertEquals("Signed in on Keycloak", frame.path("data").path("text").asText());
            assertEquals("alice", frame.path("actor").asText());
        }
        awaitUntil(() -> given().auth().oauth2(user("bob")).get(stack.notificationUrl() + "/api/notifications")
                .then().statusCode(200).extract().jsonPath().getList("items.target.id", String.class)
                .contains(conversation), "bob's inbox never showed the conversation");
    }

    /**
     * The edge's client of the realm (what it resumes with, docs/deployment.md) reads a conversation's events on a
     * participant's behalf, not on anyone else's; the services' client may not read on anyone's behalf.
     */
    @Test
    void theRealmsEdgeClientReadsHistoryOnlyOnAMembersBehalf() {
        String edge = keycloak.clientCredentialsToken("realtime-edge", "realtime-edge-secret");
        assertEquals(List.of("history-reader"), strings(KeycloakServer.claims(edge).path("groups")));
        String conversation = given().auth().oauth2(user("alice")).contentType(ContentType.JSON)
                .body(Map.of("title", "History on behalf", "participants", List.of("bob")))
                .post(stack.chatUrl() + "/api/conversations")
                .then().statusCode(201).extract().path("id");
        given().auth().oauth2(user("alice")).contentType(ContentType.JSON)
                .body(Map.of("text", "Read on bob's behalf", "clientMessageId", "kc-behalf"))
                .post(stack.chatUrl() + "/api/conversations/" + conversation + "/messages")
                .then().statusCode(201);
        String events = stack.chatUrl() + "/api/conversations/" + conversation + "/events";
        given().auth().oauth2(edge).header(RoomEventPage.ON_BEHALF_OF, "bob").get(events)
                .then().statusCode(200).body("items.data.text", hasItem("Read on bob's behalf"));
        given().auth().oauth2(edge).header(RoomEventPage.ON_BEHALF_OF, "carol").get(events).then().statusCode(404);
        given().auth().oauth2(service()).header(RoomEventPage.ON_BEHALF_OF, "bob").get(events).then().statusCode(403);
    }

    /** activity-service with a user's token, the name Keycloak gives users, and the service client's role. */
    @Test
    void activityTakesUserTokensKeycloaksDisplayNamesAndTheServiceRole() {
        given().auth().oauth2(user("carol")).get(stack.activityUrl() + "/api/projects").then().statusCode(200);
        String project = given().auth().oauth2(user("alice")).contentType(ContentType.JSON)
                .body(Map.of("title", "Keycloak project")).post(stack.activityUrl() + "/api/projects")
                .then().statusCode(201).extract().path("id");
        given().auth().oauth2(user("alice")).contentType(ContentType.JSON).body(Map.of("userId", "carol"))
                .post(stack.activityUrl() + "/api/projects/" + project + "/members").then().statusCode(200);
        awaitUntil(() -> {
            Map<String, String> names = new HashMap<>();
            List<Map<String, Object>> members = given().auth().oauth2(user("alice"))
                    .get(stack.activityUrl() + "/api/projects/" + project + "/members")
                    .then().statusCode(200).extract().jsonPath().getList("$");
            members.forEach(m -> names.put((String) m.get("userId"), (String) m.get("displayName")));
            return "Carol Danvers".equals(names.get("carol")) && "Alice Liddell".equals(names.get("alice"));
        }, "the members never showed the names Keycloak gives alice and carol");

        // Only the service client's token has the role 'service'.
        Map<String, Object> activity = Map.of("verb", "acme.build:passed", "actor", Map.of("id", "carol"),
                "target", Map.of("type", "build", "id", "b-1", "title", "Build 1"));
        given().auth().oauth2(user("alice")).contentType(ContentType.JSON).body(activity)
                .post(stack.activityUrl() + "/api/projects/" + project + "/activities").then().statusCode(403);
        given().auth().oauth2(service()).contentType(ContentType.JSON).body(activity)
                .post(stack.activityUrl() + "/api/projects/" + project + "/activities").then().statusCode(201);
        given().auth().oauth2(service()).contentType(ContentType.JSON)
                .body(Map.of("audience", Map.of("users", List.of("carol")), "type", "build:passed",
                        "title", "Build 1 passed"))
                .post(stack.edgeUrl() + "/api/v1/notifications").then().statusCode(202);
        given().auth().oauth2(user("alice")).contentType(ContentType.JSON)
                .body(Map.of("audience", Map.of("users", List.of("carol")), "type", "build:passed", "title", "x"))
                .post(stack.edgeUrl() + "/api/v1/notifications").then().statusCode(403);
    }

    /**
     * The realm's {@code other-app} client signs the same users in, with the same keys, but its tokens are not for
     * this system (no {@code realtime} audience): every service refuses them.
     */
    @Test
    void aTokenOfTheRealmForAnotherAudienceIsRefusedEverywhere() {
        String foreign = keycloak.passwordToken("other-app", "alice", "alice");
        JsonNode claims = KeycloakServer.claims(foreign);
        assertEquals("alice", claims.path("sub").asText(), "a valid user token in every other respect");
        assertTrue(!claims.path("aud").toString().contains("realtime"), claims.toString());
        given().auth().oauth2(foreign).get(stack.chatUrl() + "/api/conversations").then().statusCode(401);
        given().auth().oauth2(foreign).get(stack.activityUrl() + "/api/projects").then().statusCode(401);
        given().auth().oauth2(foreign).get(stack.notificationUrl() + "/api/notifications").then().statusCode(401);
        given().auth().oauth2(foreign).get(stack.edgeUrl() + "/api/v1/rooms/all/occupancy").then().statusCode(401);
        CompletionException refused = assertThrows(CompletionException.class, () -> HttpClient.newHttpClient()
                .newWebSocketBuilder().header("Authorization", "Bearer " + foreign)
                .buildAsync(URI.create(stack.edgeWsUrl() + "/ws"), new WebSocket.Listener() {
                }).join());
        assertEquals(401, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    }

    private static String user(String name) {
        return keycloak.passwordToken("web", name, name);
    }

    private static String service() {
        return keycloak.clientCredentialsToken("service", "service-secret");
    }

    /** Polls until {@code condition} holds; fails with {@code failure} after {@link #WAIT}. */
    private static void awaitUntil(Callable<Boolean> condition, String failure) {
        await(failure).atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(condition);
    }

    /** The texts of a JSON array of strings (a claim). */
    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
