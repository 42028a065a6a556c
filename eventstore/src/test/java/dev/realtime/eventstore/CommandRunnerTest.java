package dev.realtime.eventstore;

import static dev.realtime.eventstore.EventStoreTest.deposits;
import static dev.realtime.eventstore.EventStoreTest.race;
import static dev.realtime.eventstore.EventStoreTest.stream;
import static dev.realtime.eventstore.fixtures.Await.await;
import static dev.realtime.eventstore.fixtures.Await.failureOf;
import static dev.realtime.eventstore.fixtures.Await.subscribed;
import static dev.realtime.testkit.PgLocks.blockedBy;
import static dev.realtime.testkit.PgLocks.connection;
import static dev.realtime.testkit.PgLocks.holdTurn;
import static dev.realtime.testkit.PgLocks.pid;
import static dev.realtime.testkit.PgLocks.turnWaiters;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.realtime.eventstore.fixtures.Deposit;
import dev.realtime.eventstore.store.AppendResult;
import dev.realtime.eventstore.store.CommandRunner;
import dev.realtime.eventstore.store.DuplicateCommandException;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.SqlAppender;
import dev.realtime.eventstore.store.StoredEvent;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The one concurrency policy of every service's commands: the writers of a stream take turns in PostgreSQL, so that a
 * crowd of commands on one stream reads, decides and appends one after the other instead of losing races, and a
 * hot single-statement append waits behind whoever has the turn.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
class CommandRunnerTest {
    private static final Duration PATIENCE = Duration.ofMinutes(1);
    // StreamStatsProjection's upsert for a whole append (deposits(n) are amounts 1..n).
    private static final String PROJECTED_STATS = "INSERT INTO test_stream_stats (stream_id, events, last_version,"
            + " last_type, total_amount) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (stream_id) DO UPDATE SET"
            + " events = test_stream_stats.events + excluded.events, last_version = excluded.last_version,"
            + " last_type = excluded.last_type, total_amount = test_stream_stats.total_amount + excluded.total_amount";

    @Inject
    CommandRunner commands;

    @Inject
    EventStore store;

    @Inject
    SqlAppender appender;

    @Inject
    Pool pool;

    @Inject
    Vertx vertx;

    @Test
    void commandsOnOneStreamReadDecideAndAppendInTurnsWithoutLosingARace() throws Exception {
        String stream = stream();
        int writers = 12;
        AtomicInteger runs = new AtomicInteger();
        // Each command reads the stream's version in its transaction and appends at it: without turns, all but one
        // of a crowd would lose the race and run again.
        List<Throwable> failures = race(writers, () -> await(() -> commands.run(stream, () -> {
            runs.incrementAndGet();
            return Panache.getSession().chain(session -> session
                            .createSelectionQuery("select max(e.version) from StoredEvent e where e.streamId = :stream",
                                    Long.class)
                            .setParameter("stream", stream).getSingleResultOrNull())
                    .chain(version -> store.append(stream, version == null ? ExpectedVersion.NO_STREAM : version,
                            deposits(1), EventMetadata.of("alice", null)));
        })));
        assertEquals(List.of(), failures.stream().filter(Objects::nonNull).toList());
        assertEquals(writers, runs.get(), "a command ran again: it decided on a version another was about to take");
        List<StoredEvent> events = await(() -> store.readStream(stream, 0, 100));
        assertEquals(writers, events.size());
        assertEquals(writers, events.get(events.size() - 1).version);
    }

    @Test
    void aHotAppendWaitsBehindTheTurnItMeetsAndLandsAtTheNextVersion() throws Exception {
        String stream = stream();
        try (Connection holder = connection(); Connection watch = connection()) {
            // The test has the stream's turn, as a command of another instance would.
            holdTurn(holder, stream);
            CompletableFuture<AppendResult> hot = CompletableFuture.supplyAsync(() -> await(() -> commands.runHot(stream,
                    client -> appender.append(client, stream, ExpectedVersion.NO_STREAM, deposits(2),
                            EventMetadata.of("alice", null), appended -> projected(appended)))));
            await().atMost(PATIENCE).until(() -> turnWaiters(watch, stream) == 1);
            assertFalse(hot.isDone(), "the hot append did not wait for the turn");
            assertEquals(0, await(() -> store.streamVersion(stream)));
            holder.commit();
            assertEquals(new AppendResult(stream, 1, 2, false), hot.get(1, TimeUnit.MINUTES));
        }
    }

    @Test
    void aHotCommandThatMeetsAQueueIsAdmittedBeforeItJoinsIt() throws Exception {
        String stream = stream();
        try (Connection holder = connection(); Connection watch = connection()) {
            holdTurn(holder, stream);
            // A first hot append meets the held turn and queues: the stream is busy in this instance.
            CompletableFuture<AppendResult> queued = CompletableFuture.supplyAsync(() -> await(() -> commands.runHot(
                    stream, client -> appender.append(client, stream, ExpectedVersion.NO_STREAM, deposits(1),
                            EventMetadata.of("alice", null), CommandRunnerTest::projected))));
            await().atMost(PATIENCE).until(() -> turnWaiters(watch, stream) == 1);
            // A caller the admission refuses gets that refusal while the turn is still held, not a place in the queue
            // (which would end in StreamBusyException after turn-wait, five seconds here).
            AtomicInteger attempts = new AtomicInteger();
            Throwable refused = failureOf(() -> commands.runHot(stream,
                    client -> Uni.createFrom().failure(new IllegalArgumentException("not yours")),
                    client -> {
                        attempts.incrementAndGet();
                        return appender.append(client, stream, 1, deposits(1), EventMetadata.of("mallory", null),
                                CommandRunnerTest::projected);
                    }));
            assertInstanceOf(IllegalArgumentException.class, refused);
            assertEquals(0, attempts.get(), "a refused command was attempted");
            assertFalse(queued.isDone(), "the turn was given up");
            // An admitted one queues behind the first and lands after it.
            AtomicInteger admissions = new AtomicInteger();
            CompletableFuture<AppendResult> admitted = CompletableFuture.supplyAsync(() -> await(() -> commands.runHot(
                    stream, client -> Uni.createFrom().voidItem().invoke(admissions::incrementAndGet),
                    client -> store.streamVersion(stream).chain(read -> appender.append(client, stream, read,
                            deposits(1), EventMetadata.of("bob", null), CommandRunnerTest::projected)))));
            await().atMost(PATIENCE).until(() -> admissions.get() == 1);
            holder.commit();
            assertEquals(new AppendResult(stream, 1, 1, false), queued.get(1, TimeUnit.MINUTES));
            assertEquals(new AppendResult(stream, 2, 2, false), admitted.get(1, TimeUnit.MINUTES));
        }
    }

    @Test
    void aCommandWhoseCallerLeavesWhileItWaitsForTheTurnWritesNothingAndKeepsItsPlaceInTheLane() throws Exception {
        String stream = stream();
        try (Connection holder = connection(); Connection watch = connection()) {
            holdTurn(holder, stream);
            Cancellable gone = subscribed(vertx, () -> commands.runHot(stream, client -> appender.append(client, stream,
                    ExpectedVersion.NO_STREAM, deposits(2), EventMetadata.of("gone", null), CommandRunnerTest::projected)));
            await().atMost(PATIENCE).until(() -> turnWaiters(watch, stream) == 1);
            gone.cancel();
            // The next command of this instance waits in memory behind the abandoned one, whose transaction still waits
            // for the turn: it does not park a second connection in PostgreSQL's queue.
            CompletableFuture<AppendResult> next = CompletableFuture.supplyAsync(() -> await(() -> commands.run(stream,
                    () -> store.append(stream, ExpectedVersion.NO_STREAM, deposits(1), EventMetadata.of("next", null)))));
            await().during(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> turnWaiters(watch, stream) == 1);
            holder.commit();
            // The abandoned command got the turn and ended it without writing.
            assertEquals(new AppendResult(stream, 1, 1, false), next.get(1, TimeUnit.MINUTES));

            // The same for a command of the transactional form.
            holdTurn(holder, stream);
            Cancellable goneToo = subscribed(vertx, () -> commands.run(stream, () -> store.append(stream, 1, deposits(3),
                    EventMetadata.of("gone", null))));
            await().atMost(PATIENCE).until(() -> turnWaiters(watch, stream) == 1);
            goneToo.cancel();
            holder.commit();
            assertEquals(new AppendResult(stream, 2, 2, false), await(() -> commands.run(stream,
                    () -> store.append(stream, 1, deposits(1), EventMetadata.of("after", null)))));
        }
    }

    @Test
    void aCommandWhoseCallerLeavesWhileItRunsIsRolledBack() throws Exception {
        String stream = stream();
        await(() -> commands.run(stream, () -> store.append(stream, ExpectedVersion.NO_STREAM, deposits(1),
                EventMetadata.of("alice", null))));
        try (Connection holder = connection(); Connection watch = connection()) {
            // The command has its turn and waits on its read model's row (its projection updates it), held by the test.
            try (PreparedStatement row = holder.prepareStatement(
                    "SELECT 1 FROM test_stream_stats WHERE stream_id = ? FOR UPDATE")) {
                row.setString(1, stream);
                row.execute();
            }
            int holderPid = pid(holder);
            Cancellable gone = subscribed(vertx, () -> commands.run(stream, () -> store.append(stream, 1, deposits(2),
                    EventMetadata.of("gone", null))));
            await().atMost(PATIENCE).until(() -> blockedBy(watch, holderPid) == 1);
            gone.cancel();
            holder.commit();
            // The caller gave up: nothing of its command stays, the next command appends at the version before it.
            assertEquals(new AppendResult(stream, 2, 2, false), await(() -> commands.run(stream,
                    () -> store.append(stream, 1, deposits(1), EventMetadata.of("after", null)))));
        }
    }

    @Test
    void aWriterThatSkipsTheTurnMakesAHotAppendReadAgainNotFail() throws Exception {
        String stream = stream();
        await(() -> store.transact(() -> store.append(stream, ExpectedVersion.NO_STREAM, deposits(1),
                EventMetadata.of("alice", null))));
        AtomicInteger attempts = new AtomicInteger();
        // The first attempt appends at a version read before another writer's append (outside any turn): it loses on
        // the version key, and the runner reruns it in the stream's turn, where it reads the new version.
        AppendResult result = await(() -> commands.runHot(stream, client -> {
            int attempt = attempts.incrementAndGet();
            Uni<Long> version = attempt == 1
                    ? store.transact(() -> store.append(stream, 1, deposits(1), EventMetadata.of("bob", null)))
                            .replaceWith(1L)
                    : store.streamVersion(stream);
            return version.chain(read -> appender.append(client, stream, read, deposits(1),
                    EventMetadata.of("alice", null), CommandRunnerTest::projected));
        }));
        assertEquals(2, attempts.get());
        assertEquals(new AppendResult(stream, 3, 3, false), result);
    }

    @Test
    void aCommandWhoseReadWentStaleBeforeItsTurnReadsAndDecidesAgain() {
        String stream = stream();
        await(() -> commands.run(stream, () -> store.append(stream, ExpectedVersion.NO_STREAM, deposits(1),
                EventMetadata.of("alice", null))));
        AtomicInteger runs = new AtomicInteger();
        // Notification's shape: the read is on its own, before the turn; the first run's read goes stale because
        // another command appends between the read and the turn. The rerun (after a pause) must read again, in a
        // session of its own on the command's Vert.x context, and land.
        AppendResult result = await(() -> commands.rerunWhenStale(() -> store.streamVersion(stream).chain(read -> {
            Uni<?> meanwhile = runs.incrementAndGet() == 1
                    ? commands.run(stream, () -> store.append(stream, read, deposits(1), EventMetadata.of("bob", null)))
                    : Uni.createFrom().voidItem();
            return meanwhile.chain(() -> commands.run(stream, () -> store.append(stream, read, deposits(1),
                    EventMetadata.of("alice", null))));
        })));
        assertEquals(2, runs.get());
        assertEquals(new AppendResult(stream, 3, 3, false), result);
    }

    @Test
    void aRecordedCommandIsFoundWithItsFirstResult() {
        String stream = stream();
        String command = "recorded-" + stream;
        AppendResult first = await(() -> commands.runHot(stream, client -> appender.append(client, stream,
                ExpectedVersion.NO_STREAM, deposits(2), EventMetadata.of("alice", command), CommandRunnerTest::projected)));
        assertEquals(new AppendResult(stream, 1, 2, true), await(() -> appender.recorded(pool, command)));
        assertNull(await(() -> appender.recorded(pool, "never-" + command)));
        assertEquals(new AppendResult(stream, 1, 2, false), first);
        Throwable again = failureOf(() -> appender.append(stream, 2, deposits(1), EventMetadata.of("alice", command),
                CommandRunnerTest::projected));
        assertInstanceOf(DuplicateCommandException.class, again);
    }

    /**
     * What the test projection ({@code StreamStatsProjection}) makes of the deposits appended: a hot append writes its
     * read model itself, and ProjectionTest checks that a replay of the whole log rebuilds the same rows.
     */
    static List<SqlAppender.Statement> projected(AppendResult appended) {
        long events = appended.lastVersion() - appended.firstVersion() + 1;
        return List.of(new SqlAppender.Statement(PROJECTED_STATS, Tuple.of(appended.streamId(), events,
                appended.lastVersion(), Deposit.TYPE, events * (events + 1) / 2)));
    }
}
