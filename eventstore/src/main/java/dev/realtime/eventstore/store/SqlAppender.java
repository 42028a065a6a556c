package dev.realtime.eventstore.store;

import dev.realtime.contracts.events.Json;
import dev.realtime.eventstore.relay.CommitSignal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The event store's append for hot commands, on the reactive SQL client instead of a Hibernate session: the
 * event inserts, the command record and the caller's read-model statements go to PostgreSQL pipelined in one
 * transaction, so a command costs one exchange with the database instead of one per statement.
 *
 * <p>Same table, same rules and same relay as {@link EventStore#append}: the event insert is the transaction's
 * first write (it gives the transaction the id the relay orders by), and one append per transaction. The version
 * check is the {@code UNIQUE (stream_id, version)} index: versions are dense, so inserting
 * {@code expectedVersion + 1} succeeds only while the stream is at {@code expectedVersion}, and a concurrent
 * append of the same version waits for the other transaction and then fails. The caller reads its state, the
 * expected version and, for an idempotent command, its earlier result in {@code es_commands} before, outside the
 * transaction (optimistic concurrency, one query), and reruns on {@link ConcurrencyException}. The read-model statements must do what the service's {@code Projection} does for
 * these events, so that a replay rebuilds the same rows; the service's tests compare the two.
 */
@ApplicationScoped
public class SqlAppender {
    private static final String INSERT_EVENT = "INSERT INTO es_events (event_id, stream_id, version, type, data, metadata,"
            + " recorded_at) VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7)";
    private static final String INSERT_COMMAND = "INSERT INTO es_commands (command_id, stream_id, first_version, last_version)"
            + " VALUES ($1, $2, $3, $4)";

    /** A read-model statement of the append's transaction. */
    public record Statement(String sql, Tuple parameters) {
    }

    @Inject
    Pool pool;

    @Inject
    CommitSignal commits;

    /**
     * Appends {@code events} to {@code streamId} at {@code expectedVersion} (a real version, not
     * {@link ExpectedVersion#ANY}) and runs {@code readModel}'s statements in the same transaction. Fails with
     * {@link ConcurrencyException} when the stream moved on and with {@link DuplicateCommandException} when the
     * same command id was appended concurrently (read its first result from {@code es_commands} and answer with it).
     */
    public Uni<AppendResult> append(String streamId, long expectedVersion, List<NewEvent> events, EventMetadata metadata,
            Function<AppendResult, List<Statement>> readModel) {
        if (streamId == null || streamId.isBlank()) {
            return Uni.createFrom().failure(new IllegalArgumentException("streamId is required"));
        }
        if (events == null || events.isEmpty() || events.size() > EventStore.MAX_EVENTS_PER_APPEND) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    "an append takes 1 to " + EventStore.MAX_EVENTS_PER_APPEND + " events"));
        }
        if (expectedVersion < ExpectedVersion.NO_STREAM) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    "a pipelined append needs the expected version, not " + expectedVersion));
        }
        AppendResult result = new AppendResult(streamId, expectedVersion + 1, expectedVersion + events.size(), false);
        List<Statement> statements = new ArrayList<>(events.size() + 4);
        String metadataJson = new String(Json.write(metadata == null ? new EventMetadata(null, null, null, null) : metadata),
                StandardCharsets.UTF_8);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        long version = expectedVersion;
        for (NewEvent event : events) {
            statements.add(new Statement(INSERT_EVENT, Tuple.tuple(List.of(UUID.randomUUID(), streamId, ++version,
                    event.type(), new String(Json.write(event.data()), StandardCharsets.UTF_8), metadataJson, now))));
        }
        if (metadata != null && metadata.commandId() != null) {
            statements.add(new Statement(INSERT_COMMAND, Tuple.of(metadata.commandId(), streamId,
                    result.firstVersion(), result.lastVersion())));
        }
        statements.addAll(readModel.apply(result));
        String commandId = metadata == null ? null : metadata.commandId();
        return pool.withTransaction(connection -> pipelined(connection, statements))
                .onTermination().invoke(commits::committed)
                .replaceWith(result)
                .onFailure(failure -> Failures.isUniqueViolation(failure, "es_events_stream_version"))
                .transform(failure -> new ConcurrencyException(streamId, expectedVersion, null))
                .onFailure(failure -> Failures.isUniqueViolation(failure, "es_commands_pkey"))
                .transform(failure -> new DuplicateCommandException(commandId));
    }

    /**
     * Sends every statement without waiting for the previous answer, and waits for every answer. A failure is the
     * earliest statement's, in list order: once one statement fails, PostgreSQL answers every later one with
     * "current transaction is aborted" (25P02), and that answer must never stand for the real cause (a lost version
     * race is retried; a 25P02 would be a server error). The transaction then rolls back.
     */
    private static Uni<Void> pipelined(SqlConnection connection, List<Statement> statements) {
        List<Uni<Throwable>> sent = new ArrayList<>(statements.size());
        for (Statement statement : statements) {
            sent.add(connection.preparedQuery(statement.sql()).execute(statement.parameters())
                    .replaceWith((Throwable) null)
                    .onFailure().recoverWithItem(failure -> failure));
        }
        return Uni.combine().all().unis(sent).with(Throwable.class, failures -> {
            for (Throwable failure : failures) {
                if (failure != null) {
                    return failure;
                }
            }
            return null;
        }).chain(failure -> failure == null ? Uni.createFrom().voidItem() : Uni.createFrom().failure(failure));
    }
}
