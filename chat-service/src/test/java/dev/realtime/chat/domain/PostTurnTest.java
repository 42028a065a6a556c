package dev.realtime.chat.domain;

import static dev.realtime.chat.ChatFixtures.as;
import static dev.realtime.chat.ChatFixtures.atOnce;
import static dev.realtime.chat.ChatFixtures.conversation;
import static dev.realtime.chat.ChatFixtures.user;
import static dev.realtime.testkit.PgLocks.blockedBy;
import static dev.realtime.testkit.PgLocks.connection;
import static dev.realtime.testkit.PgLocks.pid;
import static dev.realtime.testkit.PgLocks.turnHolders;
import static dev.realtime.testkit.PgLocks.turnWaiters;
import static dev.realtime.testkit.PgLocks.waiting;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.chat.config.ChatConfig;
import dev.realtime.chat.store.PostSql;
import dev.realtime.eventstore.store.CommandRunner;
import dev.realtime.eventstore.store.CommandsConfig;
import dev.realtime.eventstore.store.CommitSignal;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.SqlAppender;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Posts to one conversation take turns in PostgreSQL (eventstore's CommandRunner): posts whose clients give up while
 * they wait for their turn, or that wait too long, store nothing and leave the conversation free, and a crowd posting
 * long after is served in full (issue 16's stuck lane, which the in-process lanes once had). And posts through two
 * service instances into one conversation all end acknowledged, at dense versions (issue 23: the same with one
 * instance or many).
 *
 * <p>The conversation is kept busy deterministically with PostgreSQL's own row locks, held from the test: a post that
 * has the turn waits on its author's participant row (its append updates it) for as long as the test holds that row.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class PostTurnTest {
    private static final Duration PATIENCE = Duration.ofMinutes(1);

    @TestHTTPResource("/")
    URL base;

    @Inject
    ConversationService service;

    @Inject
    Pool pool;

    @Inject
    CommitSignal commits;

    @Inject
    CommandsConfig commandsConfig;

    @Inject
    EventStore store;

    @Inject
    SqlAppender appender;

    @Inject
    PostSql postSql;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    ChatConfig config;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void postsCancelledOrTimedOutWhileQueuedStoreNothingAndLeaveTheConversationFree() throws Exception {
        String owner = user("turn-owner");
        String a = user("turn-a");
        String b = user("turn-b");
        List<String> crowd = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            crowd.add(user("turn-crowd" + i));
        }
        List<String> members = new ArrayList<>(List.of(a, b));
        members.addAll(crowd);
        String id = conversation(owner, members.toArray(String[]::new));
        assertEquals(201, post(owner, id, "warm up").statusCode());
        for (String member : members) {
            // Each token checked once before, so that the impatient clients below give up in the queue, not at the door.
            as(member).get("/api/conversations/{id}", id).then().statusCode(200);
        }

        try (Connection holdA = connection(); Connection holdB = connection(); Connection watch = connection()) {
            // 1. Two posts at once while their authors' rows are held: the first takes the conversation's turn and
            // waits on its author's row, the second waits for the turn; freeing the first's row lets it commit, and
            // the second, now in its turn, waits on its own row. The turn is then taken until the test says so.
            lockParticipant(holdA, id, a);
            lockParticipant(holdB, id, b);
            CompletableFuture<Integer> postA = CompletableFuture.supplyAsync(() -> post(a, id, "a").statusCode());
            CompletableFuture<Integer> postB = CompletableFuture.supplyAsync(() -> post(b, id, "b").statusCode());
            int pidA = pid(holdA);
            int pidB = pid(holdB);
            await().atMost(PATIENCE).until(() -> waiting(watch) >= 2 && (blockedBy(watch, pidA) + blockedBy(watch, pidB)) == 1);
            boolean aWon = blockedBy(watch, pidA) == 1;
            Connection winnerHold = aWon ? holdA : holdB;
            Connection loserHold = aWon ? holdB : holdA;
            int loserHolder = aWon ? pidB : pidA;
            winnerHold.commit();
            assertEquals(201, (aWon ? postA : postB).get(1, TimeUnit.MINUTES));
            await().atMost(PATIENCE).until(() -> blockedBy(watch, loserHolder) == 1);
            assertEquals(1, turnHolders(watch, "conversation:" + id), "the second post has the turn");

            // 2. Posts that wait longer than eventstore.commands.turn-wait get 503 and store nothing.
            List<Response> tooLong = atOnce(crowd.subList(0, 2), poster -> post(poster, id, "too long"));
            for (Response response : tooLong) {
                assertEquals(503, response.statusCode(), response.asString());
                assertEquals("/problems/conversation-busy", response.path("type"));
            }

            // 2b. A caller who does not take part gets 404 at once: never a wait in the conversation's queue, which
            // would end in 503 after turn-wait and tell that the conversation exists and is busy.
            Response stranger = post(user("turn-stranger"), id, "not mine");
            assertEquals(404, stranger.statusCode(), stranger.asString());
            assertEquals(1, turnHolders(watch, "conversation:" + id), "the second post still has the turn");

            // 3. Clients that give up (and close their connection) while their posts wait for the turn.
            List<CompletableFuture<HttpResponse<String>>> impatient = new ArrayList<>();
            for (String poster : crowd) {
                impatient.add(http.sendAsync(request(poster, id, "impatient", Duration.ofMillis(1500)),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> call : impatient) {
                ExecutionException gaveUp = assertThrows(ExecutionException.class,
                        () -> call.get(1, TimeUnit.MINUTES));
                assertTrue(gaveUp.getCause() instanceof HttpTimeoutException, gaveUp.toString());
            }

            // 4. The turn ends, well within the abandoned posts' turn-wait: the abandoned posts get their turns and end
            // them without writing. The second post goes through.
            loserHold.commit();
            assertEquals(201, (aWon ? postB : postA).get(1, TimeUnit.MINUTES));
            await().atMost(PATIENCE).until(() -> turnHolders(watch, "conversation:" + id) == 0 && turnWaiters(watch, "conversation:" + id) == 0);
        }

        // 5. Long after: a crowd posting at once, made to queue (the first to take the turn waits behind the
        // conversation's row, the others for the turn), is served in full.
        try (Connection hold = connection(); Connection watch = connection()) {
            hold.prepareStatement("SELECT 1 FROM chat_conversations WHERE id = '" + id + "' FOR UPDATE").execute();
            CompletableFuture<List<Response>> crowdPosts = CompletableFuture.supplyAsync(() -> {
                try {
                    return atOnce(crowd, poster -> post(poster, id, "later from " + poster));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int holder = pid(hold);
            await().atMost(PATIENCE).until(() -> waiting(watch) >= 2 && blockedBy(watch, holder) >= 1);
            hold.commit();
            for (Response response : crowdPosts.get(2, TimeUnit.MINUTES)) {
                assertEquals(201, response.statusCode(), response.asString());
            }
        }
        try (Connection watch = connection()) {
            assertEquals(0, turnHolders(watch, "conversation:" + id) + turnWaiters(watch, "conversation:" + id), "a turn left behind");
        }

        // Nothing of the refused or abandoned posts was stored; everything acknowledged was, once each.
        List<String> texts = as(owner).queryParam("limit", 100).get("/api/conversations/{id}/messages", id).then()
                .statusCode(200).extract().path("items.text");
        assertEquals(1 + 2 + crowd.size(), texts.size(), texts.toString());
        assertFalse(texts.contains("too long"));
        assertFalse(texts.contains("impatient"));
    }

    /**
     * A second instance: its own ConversationService and CommandRunner (so its own in-memory queues) on the same
     * database. Posts through both at once into one conversation queue for the same turns in PostgreSQL; every one is
     * acknowledged, each stored once, at dense versions.
     */
    @Test
    void postsOfTwoInstancesRacingForOneConversationAllEndAcknowledged() throws Exception {
        ConversationService other = new ConversationService();
        other.commands = new CommandRunner(store, pool, commits, commandsConfig);
        other.store = store;
        other.appender = appender;
        other.postSql = postSql;
        other.rateLimiter = rateLimiter;
        other.config = config;

        String owner = user("two-owner");
        List<String> posters = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            posters.add(user("two" + i));
        }
        String id = conversation(owner, posters.toArray(String[]::new));
        int rounds = 3;
        List<Integer> calls = new ArrayList<>();
        for (int i = 0; i < posters.size() * rounds; i++) {
            calls.add(i);
        }
        IntFunction<String> posterOf = i -> posters.get(i % posters.size());
        List<Long> versions = atOnce(calls, i -> {
            String poster = posterOf.apply(i);
            if (i % 2 == 0) {
                Response response = post(poster, id, "instance 1 #" + i);
                assertEquals(201, response.statusCode(), response.asString());
                return ((Number) response.path("seq")).longValue();
            }
            ConversationService.Posted posted = other.post(new Caller(poster, poster), id, "instance 2 #" + i, null,
                    null).await().atMost(PATIENCE);
            assertFalse(posted.result().duplicate());
            return posted.result().lastVersion();
        });
        Set<Long> distinct = new HashSet<>(versions);
        assertEquals(calls.size(), distinct.size(), "two posts got one version: " + versions);
        for (long v = 2; v <= calls.size() + 1; v++) {
            assertTrue(distinct.contains(v), "version " + v + " missing: " + versions);
        }
        int stored = as(owner).queryParam("limit", 100).get("/api/conversations/{id}/messages", id).then()
                .statusCode(200).extract().path("items.size()");
        assertEquals(calls.size(), stored);
    }

    private static Response post(String user, String conversation, String text) {
        return as(user).body(Map.of("text", text)).post("/api/conversations/{id}/messages", conversation);
    }

    private HttpRequest request(String user, String conversation, String text, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base.toString()).resolve("api/conversations/" + conversation + "/messages"))
                .timeout(timeout)
                .header("Authorization", "Bearer " + Tokens.accessToken(user))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\"}"))
                .build();
    }

    private static void lockParticipant(Connection hold, String conversation, String user) throws SQLException {
        try (PreparedStatement lock = hold.prepareStatement(
                "SELECT 1 FROM chat_participants WHERE conversation_id = ? AND user_id = ? FOR UPDATE")) {
            lock.setString(1, conversation);
            lock.setString(2, user);
            lock.execute();
        }
    }
}
