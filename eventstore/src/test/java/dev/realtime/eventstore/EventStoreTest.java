package dev.realtime.eventstore;

import static dev.realtime.eventstore.fixtures.Await.await;
import static dev.realtime.eventstore.fixtures.Await.failureOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.eventstore.fixtures.Deposit;
import dev.realtime.eventstore.store.AppendResult;
import dev.realtime.eventstore.store.ConcurrencyException;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.NewEvent;
import dev.realtime.eventstore.store.StoredEvent;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
class EventStoreTest {

    @Inject
    EventStore store;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void appendsWithVersionsAndReadsAStreamAfterAVersionInPages() {
        String stream = stream();
        AppendResult first = append(stream, ExpectedVersion.NO_STREAM, 3, null);
        AppendResult second = append(stream, 3, 2, null);
        assertEquals(new AppendResult(stream, 1, 3, false), first);
        assertEquals(new AppendResult(stream, 4, 5, false), second);

        List<StoredEvent> page = await(() -> store.readStream(stream, 2, 2));
        assertEquals(List.of(3L, 4L), page.stream().map(e -> e.version).toList());
        assertEquals(new Deposit(3, "deposit 3 of 3"), page.get(0).dataAs(Deposit.class));
        assertEquals("alice", page.get(0).metadata().actor());
        assertEquals(List.of(5L), await(() -> store.readStream(stream, 4, 100)).stream().map(e -> e.version).toList());
        assertEquals(List.of(), await(() -> store.readStream(stream, 5, 100)));
        assertEquals(5L, await(() -> store.streamVersion(stream)));
    }

    @Test
    void aStaleExpectedVersionIsAConflictAndStoresNothing() {
        String stream = stream();
        append(stream, ExpectedVersion.NO_STREAM, 1, null);
        Throwable failure = failureOf(() -> appendUni(stream, ExpectedVersion.NO_STREAM, 1, null));
        ConcurrencyException conflict = assertInstanceOf(ConcurrencyException.class, failure);
        assertEquals(1L, conflict.actualVersion());
        assertEquals(1L, await(() -> store.streamVersion(stream)));
    }

    @Test
    void ofConcurrentAppendsWithTheSameExpectedVersionExactlyOneWins() throws Exception {
        String stream = stream();
        int writers = 8;
        List<Throwable> failures = race(writers, () -> append(stream, ExpectedVersion.NO_STREAM, 1, null));
        long won = failures.stream().filter(f -> f == null).count();
        assertEquals(1, won, "exactly one writer wins: " + failures);
        failures.stream().filter(f -> f != null)
                .forEach(f -> assertInstanceOf(ConcurrencyException.class, f, "losers see a conflict"));
        List<StoredEvent> events = await(() -> store.readStream(stream, 0, 100));
        assertEquals(1, events.size());
        assertEquals(1L, events.get(0).version);
    }

    @Test
    void aRepeatedCommandIdAppendsNothingAndReturnsTheFirstResult() {
        String stream = stream();
        String command = UUID.randomUUID().toString();
        AppendResult first = append(stream, ExpectedVersion.ANY, 2, command);
        AppendResult retry = append(stream, ExpectedVersion.ANY, 2, command);
        assertEquals(new AppendResult(stream, 1, 2, false), first);
        assertEquals(new AppendResult(stream, 1, 2, true), retry);
        assertEquals(2L, await(() -> store.streamVersion(stream)));
    }

    @Test
    void concurrentRetriesOfOneCommandStoreItOnce() throws Exception {
        String stream = stream();
        String command = UUID.randomUUID().toString();
        List<Throwable> failures = race(6, () -> append(stream, ExpectedVersion.ANY, 1, command));
        assertTrue(failures.stream().allMatch(f -> f == null), "every retry gets the first result: " + failures);
        assertEquals(1L, await(() -> store.streamVersion(stream)));
    }

    @Test
    void twoAppendsInOneTransactionAreRefusedAndNothingIsStored() {
        String a = stream();
        String b = stream();
        Throwable failure = failureOf(() -> store.transact(() -> store
                .append(a, ExpectedVersion.ANY, deposits(1), EventMetadata.of("alice", null))
                .chain(() -> store.append(b, ExpectedVersion.ANY, deposits(1), EventMetadata.of("alice", null)))));
        assertInstanceOf(IllegalStateException.class, failure);
        assertEquals(0L, await(() -> store.streamVersion(a)));
        assertEquals(0L, await(() -> store.streamVersion(b)));
    }

    @Test
    void theLogIsAppendOnly() throws SQLException {
        String stream = stream();
        append(stream, ExpectedVersion.ANY, 1, null);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            assertThrows(SQLException.class, () -> statement.executeUpdate(
                    "update es_events set type = 'x' where stream_id = '" + stream + "'"));
            assertThrows(SQLException.class, () -> statement.executeUpdate(
                    "delete from es_events where stream_id = '" + stream + "'"));
        }
        assertEquals(1L, await(() -> store.streamVersion(stream)));
    }

    @Test
    void theApiAnswersAConflictWith409ProblemJson() {
        String stream = stream();
        RestAssured.given().queryParam("expectedVersion", 0).queryParam("amount", 5)
                .post("/test-streams/" + stream).then().statusCode(200);
        RestAssured.given().queryParam("expectedVersion", 0).queryParam("amount", 5)
                .post("/test-streams/" + stream).then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("type", equalTo("/problems/version-conflict"))
                .body("title", equalTo("Version conflict"));
        assertEquals(1L, await(() -> store.streamVersion(stream)));
    }

    static String stream() {
        return "conversation:" + UUID.randomUUID().toString().substring(0, 13);
    }

    static List<NewEvent> deposits(int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> new NewEvent(Deposit.TYPE, new Deposit(i, "deposit " + i + " of " + count)))
                .toList();
    }

    io.smallrye.mutiny.Uni<AppendResult> appendUni(String stream, long expected, int count, String command) {
        return store.transact(() -> store.append(stream, expected, deposits(count), EventMetadata.of("alice", command)));
    }

    AppendResult append(String stream, long expected, int count, String command) {
        return await(() -> appendUni(stream, expected, count, command));
    }

    /** Runs {@code writers} copies of {@code work} at once; the list holds each one's failure or null. */
    static List<Throwable> race(int writers, Callable<?> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Throwable>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        work.call();
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                }));
            }
            start.countDown();
            List<Throwable> failures = new ArrayList<>();
            for (Future<Throwable> result : results) {
                failures.add(result.get());
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }
}
