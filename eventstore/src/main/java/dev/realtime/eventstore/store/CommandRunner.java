package dev.realtime.eventstore.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How every service runs a command on a stream: read the state, decide, append at the version read; one policy for
 * concurrent writers of one stream, the same with one service instance or many.
 *
 * <p>The policy: every append holds its stream's <em>turn</em>, a transaction-scoped advisory lock in PostgreSQL
 * (migration V5, {@code es_wait_turn} / {@code es_try_turn}), so writers of one stream queue in the database in
 * arrival order instead of racing for the next version, and none decides on state another is about to change.
 * Within an instance, the writers of a stream that wait for the turn first queue in memory ({@link Lanes}), so
 * that a crowd on one stream holds one pool connection per instance while it waits, not one per writer. A command
 * waits at most {@code eventstore.commands.turn-wait} in all, then fails with {@link StreamBusyException} (503)
 * having written nothing. The expected version stays the check (a writer that skipped the turn still loses on the
 * unique version key); such a lost race, which the turn makes rare, is run again after a short jittered pause, at
 * most {@value #RETRIES} times, then surfaces as {@link ConcurrencyException} (409). The advisory lock takes no
 * transaction id, so the append stays the transaction's first write and the relay's order holds
 * (docs/event-store.md).
 *
 * <p>Two forms, one policy:
 * <ul>
 * <li>{@link #run}: the command in a Hibernate Reactive transaction whose first statement waits for the turn; reads
 * go through the transaction's session, so they see the state as of the turn, and {@link EventStore#append}
 * applies the projections.</li>
 * <li>{@link #runHot}: a hot command ({@link SqlAppender}, one statement) first tries without waiting: its event rows
 * take the turn in the statement itself ({@code es_try_turn}), so an uncontended command costs one exchange. When
 * another writer has the turn or waits for it, or the command lost a race, it queues for the turn and runs again
 * in a short transaction, on that transaction's connection.</li>
 * </ul>
 * Pauses between reruns stay on the caller's Vert.x context (a Hibernate Reactive session must not move threads).
 */
@ApplicationScoped
public class CommandRunner {
    /** Lost races retried under the turn: only a writer that skips the turn can make one, so a few are plenty. */
    static final int RETRIES = 8;
    /** Reruns of a command whose read preceded its turn: every append to a busy stream before its turn is one. */
    static final int STALE_READ_RERUNS = 10;
    private static final long FIRST_PAUSE_MILLIS = 1;
    private static final long LONGEST_PAUSE_MILLIS = 20;

    private final Lanes lanes = new Lanes();
    private final EventStore store;
    private final Pool pool;
    private final CommitSignal commits;
    private final CommandsConfig config;

    /** Public for tests that run a second service instance's runner (its own in-memory queues) in one JVM. */
    @Inject
    public CommandRunner(EventStore store, Pool pool, CommitSignal commits, CommandsConfig config) {
        this.store = store;
        this.pool = pool;
        this.commits = commits;
        this.config = config;
    }

    /**
     * Runs {@code command} (its reads, its decision and at most one {@link EventStore#append} to {@code streamId}) in
     * a transaction that first waits for the stream's turn. A caller that cancels before the command's commit writes
     * nothing: the command is not run when its turn comes, or its transaction is rolled back when it ends.
     */
    public <T> Uni<T> run(String streamId, Supplier<Uni<T>> command) {
        return Uni.createFrom().deferred(() -> {
            AtomicBoolean abandoned = new AtomicBoolean();
            return inLane(streamId, remainingMillis -> withReruns(CommandRunner::lostRace, RETRIES,
                            () -> store.transact(() -> waitForTurn(streamId, remainingMillis.getAsLong())
                                    .chain(() -> unlessAbandoned(abandoned, command)))))
                    .onCancellation().invoke(() -> abandoned.set(true));
        });
    }

    /**
     * Runs {@code attempt} (reads and one {@link SqlAppender} append to {@code streamId}, all on the client it is
     * given) once on the pool; when it met a busy stream or lost a race, queues for the stream's turn and runs it again
     * in that transaction. A caller that cancels while its command waits for the turn, or runs in it, writes nothing
     * (the first attempt on the pool commits on its own).
     */
    public <T> Uni<T> runHot(String streamId, Function<SqlClient, Uni<T>> attempt) {
        return runHot(streamId, client -> Uni.createFrom().voidItem(), attempt);
    }

    /**
     * {@link #runHot(String, Function)} for a command that not every caller may run: {@code admission} (checks that
     * need no turn, e.g. that the caller may write to the stream at all; it fails with the command's refusal) runs on
     * the pool first when others of this instance queue for the stream, so that a caller it refuses gets that refusal
     * at once, not after the queue's wait or as a 503 that tells the stream exists and is busy. Uncontended, the
     * attempt alone runs: it makes the same checks itself.
     */
    public <T> Uni<T> runHot(String streamId, Function<SqlClient, Uni<Void>> admission,
            Function<SqlClient, Uni<T>> attempt) {
        return Uni.createFrom().deferred(() -> lanes.busy(streamId)
                // Others of this instance queue for the stream: the attempt would meet the turn taken, and queueing
                // behind them keeps their order.
                ? admission.apply(pool).chain(() -> inTurn(streamId, attempt))
                : attempt.apply(pool).onFailure(CommandRunner::lostTurnOrRace).recoverWithUni(() -> inTurn(streamId, attempt)));
    }

    /**
     * For a command that reads its state before its turn (on the pool, so that its transaction does not hold one
     * connection while waiting for another) and appends at the version it read through {@link #run}: reruns the whole
     * command, read included, when the stream moved on in between, after a short jittered pause, at most
     * {@value #STALE_READ_RERUNS} times; then the last {@link ConcurrencyException} (409).
     */
    public <T> Uni<T> rerunWhenStale(Supplier<Uni<T>> command) {
        return withReruns(ConcurrencyException.class::isInstance, STALE_READ_RERUNS, command);
    }

    /** Called by {@link #runHot} once per subscription (so its abandoned flag is its caller's). */
    private <T> Uni<T> inTurn(String streamId, Function<SqlClient, Uni<T>> attempt) {
        AtomicBoolean abandoned = new AtomicBoolean();
        return inLane(streamId, remainingMillis -> withReruns(CommandRunner::lostRace, RETRIES,
                        () -> pool.withTransaction(connection -> connection
                                        .preparedQuery(StreamTurns.WAIT)
                                        .execute(Tuple.of(streamId, remainingMillis.getAsLong()))
                                        .chain(() -> unlessAbandoned(abandoned, () -> attempt.apply(connection))))
                                .onTermination().invoke(commits::committed)))
                .onCancellation().invoke(() -> abandoned.set(true));
    }

    /**
     * {@code command} in the stream's lane of this instance, given how long it may still wait in PostgreSQL: the
     * lane's wait and the turn's together are at most {@code eventstore.commands.turn-wait}.
     */
    private <T> Uni<T> inLane(String streamId, Function<LongSupplier, Uni<T>> command) {
        return Uni.createFrom().deferred(() -> {
            long waitMillis = Math.max(1, Math.min(Integer.MAX_VALUE, config.turnWait().toMillis()));
            long queuedAt = System.nanoTime();
            LongSupplier remaining = () -> Math.max(1,
                    waitMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queuedAt));
            return lanes.inTurn(streamId, config.turnWait(), () -> new StreamBusyException(streamId),
                    Uni.createFrom().deferred(() -> command.apply(remaining)));
        }).onFailure(StreamTurns::notAvailable).transform(failure -> new StreamBusyException(streamId));
    }

    /**
     * {@code command}, unless its caller went away before its turn came; and when the caller went away while it ran,
     * its failure instead of its result, so that its transaction is rolled back: a caller that gave up finds nothing
     * stored (Hibernate Reactive's transaction also rolled back on cancellation, before the lane let the work run on).
     */
    private static <T> Uni<T> unlessAbandoned(AtomicBoolean abandoned, Supplier<Uni<T>> command) {
        return abandoned.get() ? Uni.createFrom().failure(callerGone()) : command.get()
                .chain(result -> abandoned.get() ? Uni.createFrom().failure(callerGone()) : Uni.createFrom().item(result));
    }

    private static CancellationException callerGone() {
        return new CancellationException("the command's caller went away");
    }

    private Uni<Void> waitForTurn(String streamId, long waitMillis) {
        return Panache.getSession().chain(session -> session
                        .createNativeQuery(StreamTurns.WAIT_NAMED, Integer.class)
                        .setParameter("stream", streamId)
                        .setParameter("waitMillis", (int) waitMillis)
                        .getSingleResult())
                .replaceWithVoid();
    }

    /** {@code command}, run again after a jittered pause when it fails with {@code rerun}, at most {@code reruns} times. */
    private static <T> Uni<T> withReruns(Predicate<Throwable> rerun, int reruns, Supplier<Uni<T>> command) {
        return withReruns(rerun, reruns, command, 0);
    }

    private static <T> Uni<T> withReruns(Predicate<Throwable> rerun, int reruns, Supplier<Uni<T>> command, int done) {
        return Uni.createFrom().deferred(() -> command.get()).onFailure(rerun).recoverWithUni(failure -> done >= reruns
                ? Uni.createFrom().failure(failure)
                : pause(done).chain(() -> withReruns(rerun, reruns, command, done + 1)));
    }

    /**
     * A random pause of up to 1, 2, 4... {@value #LONGEST_PAUSE_MILLIS} ms, ending on the caller's Vert.x context, so
     * that a rerun opens its Hibernate Reactive session where the command started (Mutiny's own backoff resumes on a
     * worker thread).
     */
    private static Uni<Void> pause(int reruns) {
        long longest = Math.min(LONGEST_PAUSE_MILLIS, FIRST_PAUSE_MILLIS << Math.min(reruns, 16));
        long millis = ThreadLocalRandom.current().nextLong(1, longest + 1);
        Context context = Vertx.currentContext();
        return Uni.createFrom().emitter(emitter -> {
            if (context == null) {
                Infrastructure.getDefaultWorkerPool().schedule(() -> emitter.complete(null), millis, TimeUnit.MILLISECONDS);
            } else {
                context.owner().setTimer(millis, timer -> context.runOnContext(ignored -> emitter.complete(null)));
            }
        });
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
