package dev.realtime.eventstore;

import static dev.realtime.eventstore.EventStoreTest.deposits;
import static dev.realtime.eventstore.EventStoreTest.race;
import static dev.realtime.eventstore.EventStoreTest.stream;
import static dev.realtime.eventstore.fixtures.Await.await;
import static dev.realtime.eventstore.fixtures.Await.failureOf;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.eventstore.fixtures.Deposit;
import dev.realtime.eventstore.store.AppendResult;
import dev.realtime.eventstore.store.ConcurrencyException;
import dev.realtime.eventstore.store.DuplicateCommandException;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.SqlAppender;
import dev.realtime.eventstore.store.StoredEvent;
import dev.realtime.eventstore.store.StreamBusyException;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The single-statement append of hot commands: events, command record and read-model rows all land, or none. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
class SqlAppenderTest {
    private static final String UPSERT_STATS = "INSERT INTO test_stream_stats (stream_id, events, last_version,"
            + " last_type, total_amount) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (stream_id) DO UPDATE SET"
            + " events = test_stream_stats.events + excluded.events, last_version = excluded.last_version";
    private static final String INSERT_STATS = "INSERT INTO test_stream_stats (stream_id, events, last_version,"
            + " last_type, total_amount) VALUES ($1, $2, $3, $4, $5)";

    // A guard in the shape of a chat post's: the version comes from the read model, and only an open stream takes
    // more events (last_type 'closed' refuses).
    private static final String OPEN_STREAM = "SELECT last_version FROM test_stream_stats WHERE stream_id = $1"
            + " AND last_type <> 'closed'";
    private static final String GUARDED_COUNT = "UPDATE test_stream_stats s SET events = s.events + $2,"
            + " last_version = guard.version + $2 FROM guard WHERE s.stream_id = $1";

    @Inject
    SqlAppender appender;

    @Inject
    EventStore store;

    @Inject
    Pool pool;

    @Test
    void eventsTheCommandRecordAndTheReadModelRowsLandTogetherInVersionOrder() {
        String stream = stream();
        String command = "deposit-" + stream;
        AppendResult result = await(() -> appender.append(stream, ExpectedVersion.NO_STREAM, deposits(3),
                EventMetadata.of("alice", command),
                appended -> List.of(stats(UPSERT_STATS, stream, 3, appended.lastVersion()),
                        stats(INSERT_STATS, stream + ":mirror", 3, appended.lastVersion()))));
        assertEquals(new AppendResult(stream, 1, 3, false), result);

        List<StoredEvent> events = await(() -> store.readStream(stream, 0, 10));
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(e -> e.version).toList());
        assertTrue(events.get(0).position < events.get(1).position && events.get(1).position < events.get(2).position,
                "positions follow versions");
        assertEquals(new Deposit(2, "deposit 2 of 3"), events.get(1).dataAs(Deposit.class));
        assertEquals("alice", events.get(2).metadata().actor());
        assertEquals(command, events.get(0).metadata().commandId());

        assertEquals("1..3", scalar("SELECT first_version || '..' || last_version FROM es_commands WHERE command_id = $1",
                command));
        assertEquals("3@3", countAndVersion(stream));
        assertEquals("3@3", countAndVersion(stream + ":mirror"));

        await(() -> appender.append(stream, 3, deposits(1), EventMetadata.of("bob", null),
                appended -> List.of(stats(UPSERT_STATS, stream, 1, appended.lastVersion()))));
        assertEquals("4@4", countAndVersion(stream));
    }

    @Test
    void aLostRaceIsAConcurrencyExceptionAndLeavesTheReadModelAsItWas() {
        String stream = stream();
        await(() -> appender.append(stream, ExpectedVersion.NO_STREAM, deposits(1), null,
                appended -> List.of(stats(INSERT_STATS, stream, 1, 1))));
        Throwable failure = failureOf(() -> appender.append(stream, ExpectedVersion.NO_STREAM, deposits(2), null,
                appended -> List.of(stats(UPSERT_STATS, stream, 2, 2), stats(INSERT_STATS, stream + ":other", 2, 2))));
        assertInstanceOf(ConcurrencyException.class, failure);
        assertEquals(1L, await(() -> store.streamVersion(stream)));
        assertEquals("1@1", countAndVersion(stream));
        assertNull(scalar("SELECT stream_id FROM test_stream_stats WHERE stream_id = $1", stream + ":other"));
    }

    @Test
    void whenAReadModelStatementFailsNoEventIsStored() {
        String stream = stream();
        await(() -> pool.preparedQuery(INSERT_STATS).execute(Tuple.of(stream, 0L, 0L, "seed", 0L)));
        Throwable failure = failureOf(() -> appender.append(stream, ExpectedVersion.NO_STREAM, deposits(1),
                EventMetadata.of("alice", "fails-" + stream), appended -> List.of(stats(INSERT_STATS, stream, 1, 1))));
        assertTrue(failure.getMessage().contains("test_stream_stats_pkey"), failure.toString());
        assertEquals(0L, await(() -> store.streamVersion(stream)));
        assertNull(scalar("SELECT command_id FROM es_commands WHERE command_id = $1", "fails-" + stream));
    }

    @Test
    void aCommandIdAlreadyRecordedIsADuplicateAndStoresNothing() {
        String first = stream();
        String second = stream();
        String command = "once-" + first;
        await(() -> appender.append(first, ExpectedVersion.NO_STREAM, deposits(1), EventMetadata.of("alice", command),
                appended -> List.of(stats(INSERT_STATS, first, 1, 1))));
        Throwable failure = failureOf(() -> appender.append(second, ExpectedVersion.NO_STREAM, deposits(1),
                EventMetadata.of("alice", command), appended -> List.of(stats(INSERT_STATS, second, 1, 1))));
        assertTrue(assertInstanceOf(DuplicateCommandException.class, failure).getMessage().contains(command));
        assertEquals(0L, await(() -> store.streamVersion(second)));
        assertNull(scalar("SELECT stream_id FROM test_stream_stats WHERE stream_id = $1", second));

        // The read-model row of the repeat collides too: the answer is still the repeated command.
        Throwable both = failureOf(() -> appender.append(second, ExpectedVersion.NO_STREAM, deposits(1),
                EventMetadata.of("alice", command), appended -> List.of(stats(INSERT_STATS, first, 1, 1))));
        assertInstanceOf(DuplicateCommandException.class, both);
    }

    @Test
    void ofConcurrentAppendsAtOneVersionExactlyOneWinsAndTheOthersLoseTheRace() throws Exception {
        String stream = stream();
        int writers = 8;
        // The read-model row has a key of its own that the losers collide on too: the failure must still be the
        // lost race (the event insert runs first), never the read model's unique violation. A loser either met the
        // winner's turn (busy: CommandRunner would queue it) or the winner's version.
        List<Throwable> failures = race(writers, () -> await(() -> appender.append(stream, ExpectedVersion.NO_STREAM,
                deposits(1), null, appended -> List.of(stats(INSERT_STATS, stream, 1, appended.lastVersion())))));
        assertEquals(1, failures.stream().filter(Objects::isNull).count(), failures.toString());
        failures.stream().filter(Objects::nonNull).forEach(SqlAppenderTest::assertLostRace);
        assertEquals(1L, await(() -> store.streamVersion(stream)));
        assertEquals("1@1", countAndVersion(stream));
    }

    /** A writer that lost to a concurrent append: the turn was taken, or the version (nothing written either way). */
    private static void assertLostRace(Throwable failure) {
        if (!(failure instanceof StreamBusyException)) {
            assertInstanceOf(ConcurrencyException.class, failure);
        }
    }

    @Test
    void aReadModelStatementMustBeOnePlainWriteWithAParameterPerPlaceholder() {
        assertThrows(IllegalArgumentException.class, () -> new SqlAppender.Statement(
                "WITH x AS (DELETE FROM test_stream_stats) UPDATE test_stream_stats SET events = 0", Tuple.tuple()));
        assertThrows(IllegalArgumentException.class, () -> new SqlAppender.Statement("SELECT 1", Tuple.tuple()));
        String stream = stream();
        Throwable failure = failureOf(() -> appender.append(stream, ExpectedVersion.NO_STREAM, deposits(1), null,
                appended -> List.of(new SqlAppender.Statement(INSERT_STATS, Tuple.of(stream, 1L)))));
        assertInstanceOf(IllegalArgumentException.class, failure);
        Uni<AppendResult> refused = assertDoesNotThrow(() -> appender.append(stream, ExpectedVersion.NO_STREAM,
                deposits(1), null, appended -> List.of(new SqlAppender.Statement("SELECT 1", Tuple.tuple()))),
                "a statement refused by the read model's function fails the Uni, it is not thrown out of append");
        assertInstanceOf(IllegalArgumentException.class, failureOf(() -> refused));
        assertEquals(0L, await(() -> store.streamVersion(stream)));
    }

    @Test
    void aGuardedAppendTakesTheVersionItsGuardReadsAndWritesEverythingInOneGo() {
        String stream = seeded(Deposit.TYPE);
        String command = "guarded-" + stream;
        AppendResult result = await(() -> appender.appendGuarded(stream, openStream(stream), deposits(2),
                EventMetadata.of("alice", command), List.of(guardedCount(stream, 2))));
        assertEquals(new AppendResult(stream, 2, 3, false), result);

        List<StoredEvent> events = await(() -> store.readStream(stream, 0, 10));
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(e -> e.version).toList());
        assertTrue(events.get(1).position < events.get(2).position, "positions follow versions");
        assertEquals(new Deposit(2, "deposit 2 of 2"), events.get(2).dataAs(Deposit.class));
        assertEquals("alice", events.get(2).metadata().actor());
        assertEquals(command, events.get(1).metadata().commandId());
        assertEquals("2..3", scalar("SELECT first_version || '..' || last_version FROM es_commands WHERE command_id = $1",
                command));
        assertEquals("3@3", countAndVersion(stream));
        // The relay's order: the transaction that wrote version 2 took its id after version 1 committed.
        assertEquals("true", scalar("SELECT (SELECT tx_id FROM es_events WHERE stream_id = $1 AND version = 2)"
                + " > (SELECT tx_id FROM es_events WHERE stream_id = $1 AND version = 1)", stream));
    }

    @Test
    void aReplayRunsAGuardedStatementWithCastPlaceholdersThroughTheHibernateSession() {
        String stream = stream();
        // What a projection's replay does with a guarded append's read-model statements (chat's ChatProjection).
        await(() -> store.transact(() -> Panache.getSession().chain(session -> SqlAppender.replay(session, 4,
                List.of(new SqlAppender.Statement("INSERT INTO test_stream_stats (stream_id, events, last_version,"
                        + " last_type, total_amount) SELECT $1, $2::pg_catalog.int8, guard.version, ($3::text[])[2],"
                        + " $4::numeric(12, 0)"
                        + " FROM guard", Tuple.of(stream, 1L, new String[] {"first", "second"}, 7L)))))));
        assertEquals("1 4 second 7", scalar("SELECT events || ' ' || last_version || ' ' || last_type || ' '"
                + " || total_amount FROM test_stream_stats WHERE stream_id = $1", stream));
    }

    @Test
    void aGuardedAppendThatMeetsAnOpenAppendAtItsVersionLosesTheRaceAndWritesNothing() throws Exception {
        String stream = seeded(Deposit.TYPE);
        CompletableFuture<Throwable> guarded = new CompletableFuture<>();
        // An EventStore append (with its projection) holds version 2 uncommitted; the guarded append reads version 1
        // from the committed read model, waits for the open one on the version key, and must lose once it commits.
        await(() -> store.transact(() -> store.append(stream, 1, deposits(1), EventMetadata.of("bob", null))
                .call(() -> {
                    appender.appendGuarded(stream, openStream(stream), deposits(1), null,
                            List.of(guardedCount(stream, 1))).subscribe().with(ok -> guarded.complete(null),
                                    guarded::complete);
                    return waitingOnALock("WITH guard%");
                })));
        Throwable failure = guarded.get(10, TimeUnit.SECONDS);
        assertEquals(ExpectedVersion.ANY, assertInstanceOf(ConcurrencyException.class, failure).expectedVersion());
        assertEquals(2L, await(() -> store.streamVersion(stream)));
        assertEquals("2@2", countAndVersion(stream));
    }

    /** Completes once a statement starting like {@code query} waits for a lock (it blocks on an open transaction). */
    private Uni<Long> waitingOnALock(String query) {
        return pool.preparedQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE $1").execute(Tuple.of(query))
                .map(rows -> rows.iterator().next().getLong(0))
                .invoke(waiting -> {
                    if (waiting == 0) {
                        throw new IllegalStateException("the guarded append is not waiting yet");
                    }
                })
                .onFailure().retry().withBackOff(Duration.ofMillis(10), Duration.ofMillis(50)).atMost(200);
    }

    @Test
    void whenTheGuardRefusesOrTheCommandIsRecordedAGuardedAppendWritesNothingAndAnswersNull() {
        String closed = seeded("closed");
        assertNull(await(() -> appender.appendGuarded(closed, openStream(closed), deposits(1),
                EventMetadata.of("alice", "refused-" + closed), List.of(guardedCount(closed, 1)))));
        assertEquals(1L, await(() -> store.streamVersion(closed)));
        assertEquals("1@1", countAndVersion(closed));
        assertNull(scalar("SELECT command_id FROM es_commands WHERE command_id = $1", "refused-" + closed));

        String open = seeded(Deposit.TYPE);
        String command = "retried-" + open;
        await(() -> appender.appendGuarded(open, openStream(open), deposits(1), EventMetadata.of("alice", command),
                List.of(guardedCount(open, 1))));
        assertNull(await(() -> appender.appendGuarded(open, openStream(open), deposits(1),
                EventMetadata.of("alice", command), List.of(guardedCount(open, 1)))), "a retried command id");
        assertEquals(2L, await(() -> store.streamVersion(open)));
        assertEquals("2@2", countAndVersion(open));
    }

    @Test
    void concurrentGuardedAppendsNeverShareAVersionAndTheReadModelCountsEachWinner() throws Exception {
        String stream = seeded(Deposit.TYPE);
        int writers = 8;
        List<Throwable> failures = race(writers, () -> await(() -> appender.appendGuarded(stream, openStream(stream),
                deposits(1), null, List.of(guardedCount(stream, 1)))));
        long winners = failures.stream().filter(Objects::isNull).count();
        assertTrue(winners >= 1, failures.toString());
        failures.stream().filter(Objects::nonNull).forEach(SqlAppenderTest::assertLostRace);
        assertEquals(1 + winners, await(() -> store.streamVersion(stream)));
        assertEquals((1 + winners) + "@" + (1 + winners), countAndVersion(stream));
    }

    @Test
    void aGuardIsOneSelectAndEveryReadModelStatementOfAGuardedAppendReadsIt() {
        assertThrows(IllegalArgumentException.class, () -> new SqlAppender.Guard(
                "UPDATE test_stream_stats SET events = 0", Tuple.tuple()));
        String stream = seeded(Deposit.TYPE);
        // Would write even when the guard refused: refused.
        assertInstanceOf(IllegalArgumentException.class, failureOf(() -> appender.appendGuarded(stream,
                openStream(stream), deposits(1), null, List.of(stats(INSERT_STATS, stream + ":x", 1, 1)))));
        assertInstanceOf(IllegalArgumentException.class, failureOf(() -> appender.appendGuarded(stream,
                new SqlAppender.Guard(OPEN_STREAM, Tuple.tuple()), deposits(1), null,
                List.of(guardedCount(stream, 1)))));
        assertEquals(1L, await(() -> store.streamVersion(stream)));
        assertNull(scalar("SELECT stream_id FROM test_stream_stats WHERE stream_id = $1", stream + ":x"));
    }

    /** A stream of one event whose read-model row has {@code lastType}. */
    private String seeded(String lastType) {
        String stream = stream();
        await(() -> appender.append(stream, ExpectedVersion.NO_STREAM, deposits(1), null, appended -> List.of(
                new SqlAppender.Statement(INSERT_STATS, Tuple.of(stream, 1L, 1L, lastType, 0L)))));
        return stream;
    }

    private static SqlAppender.Guard openStream(String stream) {
        return new SqlAppender.Guard(OPEN_STREAM, Tuple.of(stream));
    }

    private static SqlAppender.Statement guardedCount(String stream, long events) {
        return new SqlAppender.Statement(GUARDED_COUNT, Tuple.of(stream, events));
    }

    private static SqlAppender.Statement stats(String sql, String stream, long events, long lastVersion) {
        return new SqlAppender.Statement(sql, Tuple.of(stream, events, lastVersion, Deposit.TYPE, 0L));
    }

    /** The read-model row of {@code stream} as {@code events@last_version}. */
    private String countAndVersion(String stream) {
        return scalar("SELECT events || '@' || last_version FROM test_stream_stats WHERE stream_id = $1", stream);
    }

    private String scalar(String sql, String parameter) {
        RowSet<Row> rows = await(() -> pool.preparedQuery(sql).execute(Tuple.of(parameter)));
        return rows.size() == 0 ? null : Objects.toString(rows.iterator().next().getValue(0), null);
    }
}
