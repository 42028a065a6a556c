package dev.realtime.eventstore.store;

import dev.realtime.contracts.events.Json;
import dev.realtime.servicekit.db.UniqueViolation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The event store's append for hot commands, on the reactive SQL client instead of a Hibernate session: the
 * event inserts, the command record and the caller's read-model statements are one SQL statement (each a
 * data-modifying {@code WITH} part), which PostgreSQL runs as its own transaction. A command costs one exchange
 * with the database and no {@code BEGIN} or {@code COMMIT}, and either everything is written or nothing.
 *
 * <p>Same table, same rules and same relay as {@link EventStore#append}: one append per transaction, since the
 * statement is the transaction. The version check is the {@code UNIQUE (stream_id, version)} index: versions are
 * dense, so inserting {@code expectedVersion + 1} succeeds only while the stream is at {@code expectedVersion},
 * and a concurrent append of the same version waits for the other transaction and then fails. The caller reads
 * its state, the expected version and, for an idempotent command, its earlier result in {@code es_commands}
 * before (optimistic concurrency, one query), and reruns on {@link ConcurrencyException}. The read-model
 * statements must do what the service's {@code Projection} does for these events, so that a replay rebuilds the
 * same rows; the service's tests compare the two.
 */
@ApplicationScoped
public class SqlAppender {
    private static final String EVENT_COLUMNS = "INSERT INTO es_events (event_id, stream_id, version, type, data,"
            + " metadata, recorded_at) VALUES ";
    private static final int EVENT_PARAMETERS = 7;
    private static final int GUARDED_EVENT_PARAMETERS = 3;
    private static final String INSERT_COMMAND = "INSERT INTO es_commands (command_id, stream_id, first_version,"
            + " last_version) VALUES ($1, $2, $3, $4)";
    private static final String RECORDED_COMMAND = "SELECT stream_id, first_version, last_version FROM es_commands"
            + " WHERE command_id = $1";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(\\d+)");
    private static final Pattern CAST_PLACEHOLDER = Pattern.compile("\\$(\\d+)::([\\w.]+(?:\\(\\s*\\d+(?:\\s*,\\s*\\d+)*\\s*\\))?(?:\\[\\d*\\])*)");
    private static final Pattern PLAIN_WRITE = Pattern.compile("^\\s*(INSERT|UPDATE|DELETE)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PLAIN_SELECT = Pattern.compile("^\\s*SELECT\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern JOINS_GUARD = Pattern.compile("\\b(FROM|JOIN)\\s+" + Guard.NAME + "\\b",
            Pattern.CASE_INSENSITIVE);

    /**
     * A read-model statement of the append: one {@code INSERT}, {@code UPDATE} or {@code DELETE} (no {@code WITH}
     * of its own, no {@code $} but its {@code $1}, {@code $2}... placeholders), a constant text with the values in
     * its parameters. It runs as a part of the append's single statement, so it does not see the rows the other
     * parts write, and no two parts may change the same row.
     */
    public record Statement(String sql, Tuple parameters) {
        public Statement {
            if (sql == null || !PLAIN_WRITE.matcher(sql).find()) {
                throw new IllegalArgumentException("a read-model statement is one INSERT, UPDATE or DELETE: " + sql);
            }
        }
    }

    /**
     * The condition of a {@linkplain #appendGuarded guarded append}, which reads the stream's version in its own
     * statement instead of taking it from the caller: one {@code SELECT} (a constant text with {@code $1},
     * {@code $2}... placeholders) of one column, the stream's current version, in one row when the command may go
     * on and in none when it may not (the caller then decides with a read of its own why not). It runs as the
     * statement's {@value #NAME} part, whose column is {@code version}.
     */
    public record Guard(String sql, Tuple parameters) {
        /** The part's name: a guarded append's read-model statements read the version before it as {@code guard.version}. */
        public static final String NAME = "guard";

        public Guard {
            if (sql == null || !PLAIN_SELECT.matcher(sql).find()) {
                throw new IllegalArgumentException("a guard is one SELECT: " + sql);
            }
        }
    }

    /** What decides the composed SQL text: the same shape gives the same text, which PostgreSQL prepares once. */
    private record Shape(int events, boolean command, List<String> readModel) {
    }

    private record GuardedShape(String guard, int events, boolean command, List<String> readModel) {
    }

    /** Read-model texts are the services' constants, so the memos stay small; past this, texts are built each time. */
    private static final int MEMO_LIMIT = 1024;
    private final Map<Shape, String> composed = new ConcurrentHashMap<>();
    private final Map<GuardedShape, String> composedGuarded = new ConcurrentHashMap<>();
    private final Map<String, Text> texts = new ConcurrentHashMap<>();

    /** What the appender checks of a statement's text, worked out once per text: its texts are constants. */
    private record Text(int placeholders, boolean joinsGuard) {
        static Text of(String sql) {
            return new Text(highestPlaceholder(sql), JOINS_GUARD.matcher(sql).find());
        }
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
        return append(pool, streamId, expectedVersion, events, metadata, readModel);
    }

    /**
     * {@link #append(String, long, List, EventMetadata, Function)} on {@code client}: the pool (the statement is its own
     * transaction) or the connection of a transaction that waits for the stream's turn ({@link CommandRunner#runHot}).
     */
    public Uni<AppendResult> append(SqlClient client, String streamId, long expectedVersion, List<NewEvent> events,
            EventMetadata metadata, Function<AppendResult, List<Statement>> readModel) {
        IllegalArgumentException refused = refused(streamId, events);
        if (refused != null) {
            return Uni.createFrom().failure(refused);
        }
        if (expectedVersion < ExpectedVersion.NO_STREAM) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    "an append through SqlAppender needs the expected version, not " + expectedVersion));
        }
        AppendResult result = new AppendResult(streamId, expectedVersion + 1, expectedVersion + events.size(), false);
        String commandId = metadata == null ? null : metadata.commandId();
        String metadataJson = metadataJson(metadata);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Object> parameters = new ArrayList<>(events.size() * EVENT_PARAMETERS + 16);
        long version = expectedVersion;
        for (NewEvent event : events) {
            parameters.add(UUID.randomUUID());
            parameters.add(streamId);
            parameters.add(++version);
            parameters.add(event.type());
            parameters.add(new String(Json.write(event.data()), StandardCharsets.UTF_8));
            parameters.add(metadataJson);
            parameters.add(now);
        }
        List<Statement> statements;
        try {
            statements = readModel.apply(result);
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        List<String> readModelSql = new ArrayList<>(statements.size());
        for (Statement statement : statements) {
            if (!addParameters(parameters, statement.sql(), statement.parameters())) {
                return Uni.createFrom().failure(parameterCount(statement.sql(), statement.parameters()));
            }
            readModelSql.add(statement.sql());
        }
        if (commandId != null) {
            parameters.add(commandId);
            parameters.add(streamId);
            parameters.add(result.firstVersion());
            parameters.add(result.lastVersion());
        }
        Shape shape = new Shape(events.size(), commandId != null, readModelSql);
        String sql = memo(composed, shape, SqlAppender::compose);
        return execute(client, sql, parameters, streamId, expectedVersion, commandId).replaceWith(result);
    }

    /**
     * Appends {@code events} to {@code streamId} after the version that {@code guard} reads, in the same statement
     * as that read: a command that needs nothing from the database but its checks and the version costs one
     * exchange instead of a query and an append. Completes with the versions appended, or with {@code null} when
     * nothing was written because the guard gave no row or, for a command id, the command is already recorded:
     * the caller then reads why (with {@link #append}'s read) and answers accordingly.
     *
     * <p>Each of {@code readModel}'s statements must join the guard ({@code UPDATE ... FROM guard WHERE ...},
     * {@code INSERT ... SELECT ... FROM guard}, taking the new version as {@code guard.version + 1}), so that it
     * writes nothing when the guard gave no row. The append refuses a statement without {@code FROM guard} or
     * {@code JOIN guard}; it cannot tell a join from a subquery, so a statement that reads the guard only in a
     * subquery ({@code SET seq = (SELECT ... FROM guard)}) would still write: that is the caller's to avoid.
     * Fails with {@link ConcurrencyException} (expected version {@link ExpectedVersion#ANY}) when another append
     * took the version after the guard read it, which is also how a concurrent run of the same command on the same
     * stream shows (its event insert meets the version first); {@link DuplicateCommandException} when the same
     * command id was appended concurrently to another stream. Nothing is written then either; a rerun reads again.
     */
    public Uni<AppendResult> appendGuarded(String streamId, Guard guard, List<NewEvent> events, EventMetadata metadata,
            List<Statement> readModel) {
        return appendGuarded(pool, streamId, guard, events, metadata, readModel);
    }

    /** {@link #appendGuarded(String, Guard, List, EventMetadata, List)} on {@code client}: the pool or a transaction's connection. */
    public Uni<AppendResult> appendGuarded(SqlClient client, String streamId, Guard guard, List<NewEvent> events,
            EventMetadata metadata, List<Statement> readModel) {
        IllegalArgumentException refused = refused(streamId, events);
        if (refused != null) {
            return Uni.createFrom().failure(refused);
        }
        List<Object> parameters = new ArrayList<>(events.size() * GUARDED_EVENT_PARAMETERS + 24);
        if (!addParameters(parameters, guard.sql(), guard.parameters())) {
            return Uni.createFrom().failure(parameterCount(guard.sql(), guard.parameters()));
        }
        for (NewEvent event : events) {
            parameters.add(UUID.randomUUID());
            parameters.add(event.type());
            parameters.add(new String(Json.write(event.data()), StandardCharsets.UTF_8));
        }
        String commandId = metadata == null ? null : metadata.commandId();
        parameters.add(streamId);
        parameters.add(metadataJson(metadata));
        parameters.add(OffsetDateTime.now(ZoneOffset.UTC));
        if (commandId != null) {
            parameters.add(commandId);
        }
        List<String> readModelSql = new ArrayList<>(readModel.size());
        for (Statement statement : readModel) {
            if (!memo(texts, statement.sql(), Text::of).joinsGuard()) {
                return Uni.createFrom().failure(new IllegalArgumentException(
                        "a read-model statement of a guarded append must join " + Guard.NAME + ": " + statement.sql()));
            }
            if (!addParameters(parameters, statement.sql(), statement.parameters())) {
                return Uni.createFrom().failure(parameterCount(statement.sql(), statement.parameters()));
            }
            readModelSql.add(statement.sql());
        }
        GuardedShape shape = new GuardedShape(guard.sql(), events.size(), commandId != null, readModelSql);
        String sql = memo(composedGuarded, shape, SqlAppender::composeGuarded);
        return execute(client, sql, parameters, streamId, ExpectedVersion.ANY, commandId)
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    long first = Long.MAX_VALUE;
                    long last = Long.MIN_VALUE;
                    for (Row row : rows) {
                        first = Math.min(first, row.getLong(0));
                        last = Math.max(last, row.getLong(0));
                    }
                    return new AppendResult(streamId, first, last, false);
                });
    }

    /**
     * The first result of command {@code commandId} (with {@code duplicate} set), or null when it is not recorded: what
     * a caller answers a retried command with after a {@linkplain #appendGuarded guarded append} refused it or a
     * plain append failed with {@link DuplicateCommandException}. On {@code client}: the pool or a transaction's
     * connection.
     */
    public Uni<AppendResult> recorded(SqlClient client, String commandId) {
        if (commandId == null) {
            return Uni.createFrom().nullItem();
        }
        return client.preparedQuery(RECORDED_COMMAND).execute(Tuple.of(commandId)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new AppendResult(row.getString(0), row.getLong(1), row.getLong(2), true);
        });
    }

    /**
     * Applies a guarded append's read-model {@code statements} on {@code session} for a stored event that found its
     * stream at {@code versionBefore}: how a {@link Projection} replays the rows a hot command wrote, with the very
     * statements the command ran, so those rows are declared once. Each statement runs on its own, under
     * {@code WITH guard (version) AS (SELECT versionBefore)}; they run in order, so unlike the parts of one append a
     * statement sees the rows of those before it. The statements change rows behind the session's back: the caller
     * flushes the session before and does not keep entities of those rows after (see chat's {@code ChatProjection}).
     */
    public static Uni<Void> replay(Mutiny.Session session, long versionBefore, List<Statement> statements) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Statement statement : statements) {
            if (!JOINS_GUARD.matcher(statement.sql()).find()) {
                return Uni.createFrom().failure(new IllegalArgumentException(
                        "a read-model statement of a guarded append must join " + Guard.NAME + ": " + statement.sql()));
            }
            if (statement.parameters().size() != highestPlaceholder(statement.sql())) {
                return Uni.createFrom().failure(parameterCount(statement.sql(), statement.parameters()));
            }
            // Hibernate's native queries take JPA's ?1, ?2...; the guard's version is ?1, the statement's $n is ?n+1.
            // Its parser does not read "?2::uuid", so a cast on a placeholder is written CAST(?2 AS uuid) (with a schema,
            // modifiers and array brackets too: $2::numeric(10,2)[] is CAST(?3 AS numeric(10,2)[])); a type name of two
            // words is written by its one-word alias (float8, timestamptz).
            String casts = CAST_PLACEHOLDER.matcher(statement.sql()).replaceAll(cast -> "CAST(?"
                    + (Integer.parseInt(cast.group(1)) + 1) + " AS " + cast.group(2) + ")");
            String sql = "WITH " + Guard.NAME + " (version) AS (SELECT CAST(?1 AS bigint)) " + PLACEHOLDER.matcher(casts)
                    .replaceAll(placeholder -> "?" + (Integer.parseInt(placeholder.group(1)) + 1));
            chain = chain.chain(() -> {
                Mutiny.MutationQuery query = session.createNativeQuery(sql).setParameter(1, versionBefore);
                for (int i = 0; i < statement.parameters().size(); i++) {
                    query.setParameter(i + 2, statement.parameters().getValue(i));
                }
                return query.executeUpdate().replaceWithVoid();
            });
        }
        return chain;
    }

    private static IllegalArgumentException refused(String streamId, List<NewEvent> events) {
        if (streamId == null || streamId.isBlank()) {
            return new IllegalArgumentException("streamId is required");
        }
        if (events == null || events.isEmpty() || events.size() > EventStore.MAX_EVENTS_PER_APPEND) {
            return new IllegalArgumentException("an append takes 1 to " + EventStore.MAX_EVENTS_PER_APPEND + " events");
        }
        return null;
    }

    /**
     * Runs the composed statement; the stream's turn, the version key and the command key are the three races an
     * append can lose. On the pool the statement commits when it ends; on a transaction's connection the commit is
     * the transaction's, which {@link CommandRunner} signals.
     */
    private Uni<RowSet<Row>> execute(SqlClient client, String sql, List<Object> parameters, String streamId,
            long expectedVersion, String commandId) {
        return client.preparedQuery(sql).execute(Tuple.tuple(parameters))
                .onTermination().invoke(commits::committed)
                .onFailure(StreamTurns::notAvailable).transform(failure -> new StreamBusyException(streamId))
                .onFailure(failure -> UniqueViolation.of(failure, "es_events_stream_version"))
                .transform(failure -> new ConcurrencyException(streamId, expectedVersion, null))
                .onFailure(failure -> UniqueViolation.of(failure, "es_commands_pkey"))
                .transform(failure -> new DuplicateCommandException(commandId));
    }

    /** Adds {@code values} to {@code parameters}, or false when their number does not match the placeholders. */
    private boolean addParameters(List<Object> parameters, String sql, Tuple values) {
        if (values.size() != memo(texts, sql, Text::of).placeholders()) {
            return false;
        }
        for (int i = 0; i < values.size(); i++) {
            parameters.add(values.getValue(i));
        }
        return true;
    }

    private static IllegalArgumentException parameterCount(String sql, Tuple values) {
        return new IllegalArgumentException("a statement with $" + highestPlaceholder(sql)
                + " as its last placeholder got " + values.size() + " parameters");
    }

    private static String metadataJson(EventMetadata metadata) {
        return new String(Json.write(metadata == null ? new EventMetadata(null, null, null, null) : metadata),
                StandardCharsets.UTF_8);
    }

    /**
     * {@code WITH guard (version) AS (...), read_model_1 AS (...), es_command AS (...) INSERT INTO es_events
     * SELECT ... FROM guard, (VALUES ...) RETURNING version}: the parts in the same order as {@link #compose}'s, for
     * the same reasons. The guard is read by the main statement and by the parts, so PostgreSQL computes it once;
     * with no row in it every part writes nothing. A recorded command id empties the guard too, so that a retried
     * command is answered by the caller's read instead of failing on {@code es_commands_pkey}. Placeholders: the
     * guard's, then three per event, the stream, metadata, time and command id, the read model's.
     */
    private static String composeGuarded(GuardedShape shape) {
        int next = highestPlaceholder(shape.guard()) + 1;
        StringBuilder values = new StringBuilder();
        for (int e = 1; e <= shape.events(); e++) {
            values.append(e == 1 ? "($" : ", ($").append(next++).append("::uuid, ").append(e).append(", $")
                    .append(next++).append("::text, $").append(next++).append("::text)");
        }
        int stream = next++;
        int metadata = next++;
        int recordedAt = next++;
        int command = shape.command() ? next++ : 0;
        StringBuilder with = new StringBuilder(", ").append(Guard.NAME).append(" (version) AS (");
        if (shape.command()) {
            with.append("SELECT g.* FROM (").append(shape.guard()).append(") AS g WHERE NOT EXISTS (SELECT 1 FROM")
                    .append(" es_commands WHERE command_id = $").append(command).append(')');
        } else {
            with.append(shape.guard());
        }
        with.append(')');
        for (int i = 0; i < shape.readModel().size(); i++) {
            next = part(with, "read_model_" + (i + 1), shape.readModel().get(i), next);
        }
        if (shape.command()) {
            with.append(", es_command AS (INSERT INTO es_commands (command_id, stream_id, first_version, last_version)")
                    .append(" SELECT $").append(command).append(", $").append(stream).append(", ").append(Guard.NAME)
                    .append(".version + 1, ").append(Guard.NAME).append(".version + ").append(shape.events())
                    .append(" FROM ").append(Guard.NAME).append(')');
        }
        return "WITH " + with.substring(2) + " INSERT INTO es_events (event_id, stream_id, version, type, data,"
                + " metadata, recorded_at) SELECT e.event_id, es_try_turn($" + stream + "), " + Guard.NAME + ".version + e.n, e.type,"
                + " e.data::jsonb, $" + metadata + "::text::jsonb, $" + recordedAt + " FROM " + Guard.NAME + ", (VALUES "
                + values + ") AS e (event_id, n, type, data) ORDER BY e.n RETURNING version";
    }

    /**
     * {@code WITH read_model_1 AS (...), es_command AS (...) INSERT INTO es_events ... VALUES (...), (...)}.
     * PostgreSQL runs the main statement first, then the {@code WITH} parts it does not read as the executor
     * finishes, the last-listed first. So the event insert is the main statement (a lost race always fails on
     * {@code es_events_stream_version}, never on a read-model key that mirrors the version), and the command record
     * is listed last (a repeated command id is a {@link DuplicateCommandException} even when a read-model row would
     * collide too). The rows of a multi-row VALUES are inserted in their order, so the events take positions in
     * version order. Placeholders are numbered on through the parts, in the order of {@link #append}'s parameters.
     */
    private static String compose(Shape shape) {
        StringBuilder with = new StringBuilder();
        int next = shape.events() * EVENT_PARAMETERS + 1;
        for (int i = 0; i < shape.readModel().size(); i++) {
            next = part(with, "read_model_" + (i + 1), shape.readModel().get(i), next);
        }
        if (shape.command()) {
            part(with, "es_command", INSERT_COMMAND, next);
        }
        StringBuilder sql = new StringBuilder();
        if (!with.isEmpty()) {
            sql.append("WITH ").append(with, 2, with.length()).append(' ');
        }
        sql.append(EVENT_COLUMNS);
        int parameter = 1;
        for (int e = 0; e < shape.events(); e++) {
            sql.append(e == 0 ? "(" : ", (");
            sql.append('$').append(parameter++).append(", es_try_turn($").append(parameter++).append("), $").append(parameter++)
                    .append(", $").append(parameter++).append(", $").append(parameter++).append("::text::jsonb, $")
                    .append(parameter++).append("::text::jsonb, $").append(parameter++).append(')');
        }
        return sql.toString();
    }

    private static <K, V> V memo(Map<K, V> memo, K key, Function<K, V> compute) {
        V value = memo.get(key);
        if (value == null) {
            value = compute.apply(key);
            if (memo.size() < MEMO_LIMIT) {
                memo.putIfAbsent(key, value);
            }
        }
        return value;
    }

    private static int highestPlaceholder(String sql) {
        Matcher placeholder = PLACEHOLDER.matcher(sql);
        int highest = 0;
        while (placeholder.find()) {
            highest = Math.max(highest, Integer.parseInt(placeholder.group(1)));
        }
        return highest;
    }

    /** Appends {@code , name AS (statement)} with its placeholders moved on to start at {@code next}. */
    private static int part(StringBuilder sql, String name, String statement, int next) {
        String renumbered = PLACEHOLDER.matcher(statement)
                .replaceAll(placeholder -> "\\$" + (Integer.parseInt(placeholder.group(1)) + next - 1));
        sql.append(", ").append(name).append(" AS (").append(renumbered).append(')');
        return next + highestPlaceholder(statement);
    }
}
