package dev.realtime.eventstore.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How every service runs a command on a stream: read the state, decide, append at the version read; one policy for
 * concurrent writers of one stream, the same with one service instance or many.
 *
 * <p>The policy: every append holds its stream's <em>turn</em>, a transaction-scoped advisory lock in PostgreSQL
 * (migration V5, {@code es_wait_turn} / {@code es_try_turn}), so writers of one stream queue in the database in
 * arrival order instead of racing for the next version, and none decides on state another is about to change. A
 * command waits for its turn at most {@code eventstore.commands.turn-wait}, then fails with
 * {@link StreamBusyException} (503) having written nothing. The expected version stays the check (a writer that
 * skipped the turn still loses on the unique version key); such a lost race, which the turn makes rare, is run
 * again after a short jittered pause, at most {@value #RETRIES} times, then surfaces as {@link ConcurrencyException}
 * (409). The advisory lock takes no transaction id, so the append stays the transaction's first write and the
 * relay's order holds (docs/event-store.md).
 *
 * <p>Two forms, one policy:
 * <ul>
 * <li>{@link #run}: the command in a Hibernate Reactive transaction whose first statement waits for the turn; reads
 * go through the transaction's session, so they see the state as of the turn, and {@link EventStore#append}
 * applies the projections.</li>
 * <li>{@link #runHot}: a hot command ({@link SqlAppender}, one statement) first tries without waiting: its event rows
 * take the turn in the statement itself ({@code es_try_turn}), so an uncontended command costs one exchange. When
 * another writer has the turn or waits for it, or the command lost a race, it waits for the turn in a short
 * transaction and runs again there, on that transaction's connection.</li>
 * </ul>
 */
@ApplicationScoped
public class CommandRunner {
    /** Lost races retried under the turn: only a writer that skips the turn can make one, so a few are plenty. */
    static final int RETRIES = 8;
    /** Reruns of a command whose read preceded its turn: every append to a busy stream before its turn is one. */
    static final int STALE_READ_RERUNS = 10;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(1);
    private static final Duration LONGEST_PAUSE = Duration.ofMillis(20);

    @Inject
    EventStore store;

    @Inject
    Pool pool;

    @Inject
    CommitSignal commits;

    @Inject
    CommandsConfig config;

    /**
     * Runs {@code command} (its reads, its decision and at most one {@link EventStore#append} to {@code streamId}) in
     * a transaction that first waits for the stream's turn.
     */
    public <T> Uni<T> run(String streamId, Supplier<Uni<T>> command) {
        return retryLostRaces(Uni.createFrom().deferred(() -> store.transact(() -> waitForTurn(streamId).chain(() -> command.get()))))
                .onFailure(StreamTurns::notAvailable).transform(failure -> new StreamBusyException(streamId));
    }

    /**
     * Runs {@code attempt} (reads and one {@link SqlAppender} append to {@code streamId}, all on the client it is
     * given) once on the pool; when it met a busy stream or lost a race, waits for the stream's turn and runs it again
     * in that transaction. A caller that cancels while its command waits for the turn writes nothing.
     */
    public <T> Uni<T> runHot(String streamId, Function<SqlClient, Uni<T>> attempt) {
        return Uni.createFrom().deferred(() -> attempt.apply(pool))
                .onFailure(CommandRunner::lostTurnOrRace).recoverWithUni(() -> inTurn(streamId, attempt));
    }

    /**
     * For a command that reads its state before its turn (on the pool, so that its transaction does not hold one
     * connection while waiting for another) and appends at the version it read through {@link #run}: reruns the whole
     * command, read included, when the stream moved on in between, after a short jittered pause, at most
     * {@value #STALE_READ_RERUNS} times; then the last {@link ConcurrencyException} (409).
     */
    public <T> Uni<T> rerunWhenStale(Supplier<Uni<T>> command) {
        return Uni.createFrom().deferred(() -> command.get())
                .onFailure(ConcurrencyException.class).retry()
                .withBackOff(FIRST_PAUSE, LONGEST_PAUSE).withJitter(1.0).atMost(STALE_READ_RERUNS)
                .onFailure(failure -> failure instanceof IllegalStateException
                        && failure.getCause() instanceof ConcurrencyException)
                .transform(Throwable::getCause);
    }

    private <T> Uni<T> inTurn(String streamId, Function<SqlClient, Uni<T>> attempt) {
        AtomicBoolean abandoned = new AtomicBoolean();
        long waitMillis = waitMillis();
        Uni<T> once = Uni.createFrom().deferred(() -> pool.withTransaction(connection -> connection
                        .preparedQuery(StreamTurns.WAIT).execute(Tuple.of(streamId, waitMillis))
                        .chain(() -> abandoned.get()
                                // The turn came after the caller went away: end it without writing.
                                ? Uni.createFrom().<T>failure(new CancellationException("the command's caller went away"))
                                : attempt.apply(connection)))
                .onTermination().invoke(commits::committed));
        return retryLostRaces(once)
                .onFailure(StreamTurns::notAvailable).transform(failure -> new StreamBusyException(streamId))
                .onCancellation().invoke(() -> abandoned.set(true));
    }

    private Uni<Void> waitForTurn(String streamId) {
        return Panache.getSession().chain(session -> session
                        .createNativeQuery(StreamTurns.WAIT_NAMED, Integer.class)
                        .setParameter("stream", streamId)
                        .setParameter("waitMillis", (int) waitMillis())
                        .getSingleResult())
                .replaceWithVoid();
    }

    private long waitMillis() {
        return Math.max(1, Math.min(Integer.MAX_VALUE, config.turnWait().toMillis()));
    }

    /** Reruns {@code command} on a lost race, after a short jittered pause; after {@value #RETRIES}, the last loss. */
    private static <T> Uni<T> retryLostRaces(Uni<T> command) {
        return command.onFailure(CommandRunner::lostRace).retry()
                .withBackOff(FIRST_PAUSE, LONGEST_PAUSE).withJitter(1.0).atMost(RETRIES)
                // Mutiny reports the end of the retries as an IllegalStateException around the last loss.
                .onFailure(failure -> failure instanceof IllegalStateException && lostRace(failure.getCause()))
                .transform(Throwable::getCause);
    }

    /**
     * A writer that skipped the turn took the version (found by the unique version key, so the version found is not
     * known), or the same command ran concurrently: reading again gives the new version or the first result. A
     * conflict found against a known version is the command's own expectation (a new stream that exists, a version
     * the client sent): a rerun would decide the same, so it is not retried.
     */
    private static boolean lostRace(Throwable failure) {
        return failure instanceof ConcurrencyException conflict && conflict.actualVersion() == null
                || failure instanceof DuplicateCommandException;
    }

    private static boolean lostTurnOrRace(Throwable failure) {
        return failure instanceof StreamBusyException || lostRace(failure);
    }
}
