package dev.realtime.eventstore.store;

import dev.realtime.contracts.events.Json;
import dev.realtime.eventstore.relay.CommitSignal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
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
    private static final String INSERT_COMMAND = "INSERT INTO es_commands (command_id, stream_id, first_version,"
            + " last_version) VALUES ($1, $2, $3, $4)";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(\\d+)");
    private static final Pattern PLAIN_WRITE = Pattern.compile("^\\s*(INSERT|UPDATE|DELETE)\\b",
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

    /** What decides the composed SQL text: the same shape gives the same text, which PostgreSQL prepares once. */
    private record Shape(int events, boolean command, List<String> readModel) {
    }

    /** Read-model texts are the services' constants, so the memos stay small; past this, texts are built each time. */
    private static final int MEMO_LIMIT = 1024;
    private final Map<Shape, String> composed = new ConcurrentHashMap<>();
    private final Map<String, Integer> placeholders = new ConcurrentHashMap<>();

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
                    "an append through SqlAppender needs the expected version, not " + expectedVersion));
        }
        AppendResult result = new AppendResult(streamId, expectedVersion + 1, expectedVersion + events.size(), false);
        String commandId = metadata == null ? null : metadata.commandId();
        String metadataJson = new String(Json.write(metadata == null ? new EventMetadata(null, null, null, null) : metadata),
                StandardCharsets.UTF_8);
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
            int expected = memo(placeholders, statement.sql(), SqlAppender::highestPlaceholder);
            if (statement.parameters().size() != expected) {
                return Uni.createFrom().failure(new IllegalArgumentException("a read-model statement with $" + expected
                        + " as its last placeholder got " + statement.parameters().size() + " parameters"));
            }
            readModelSql.add(statement.sql());
            for (int i = 0; i < statement.parameters().size(); i++) {
                parameters.add(statement.parameters().getValue(i));
            }
        }
        if (commandId != null) {
            parameters.add(commandId);
            parameters.add(streamId);
            parameters.add(result.firstVersion());
            parameters.add(result.lastVersion());
        }
        Shape shape = new Shape(events.size(), commandId != null, readModelSql);
        String sql = memo(composed, shape, SqlAppender::compose);
        return pool.preparedQuery(sql).execute(Tuple.tuple(parameters))
                .onTermination().invoke(commits::committed)
                .replaceWith(result)
                .onFailure(failure -> Failures.isUniqueViolation(failure, "es_events_stream_version"))
                .transform(failure -> new ConcurrencyException(streamId, expectedVersion, null))
                .onFailure(failure -> Failures.isUniqueViolation(failure, "es_commands_pkey"))
                .transform(failure -> new DuplicateCommandException(commandId));
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
            sql.append('$').append(parameter++).append(", $").append(parameter++).append(", $").append(parameter++)
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
