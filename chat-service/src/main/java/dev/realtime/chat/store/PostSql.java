package dev.realtime.chat.store;

import dev.realtime.chat.model.ChatEvents;
import dev.realtime.eventstore.store.AppendResult;
import dev.realtime.eventstore.store.SqlAppender;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of posting a message, the hot command of chat-service: one query for what the command needs, and the
 * read-model statements that {@link SqlAppender} runs with the event insert as one statement. {@link #readModel} must do
 * exactly what {@link ChatProjection} does for {@code MessagePosted} (a replay rebuilds the rows through the
 * projection); ChatDomainTest compares the two.
 */
@ApplicationScoped
public class PostSql {
    // One read for the whole decision; the retried-command lookup joins the event store's command records
    // (es_commands, docs/event-store.md) instead of costing a statement of its own on the hottest path. The
    // participant list and the reply check are in the text only when the post needs them (four texts, not a CASE on
    // a parameter): PostgreSQL then keeps one generic plan per text, where a CASE on a parameter had it plan the
    // query again on every post (pg_prepared_statements: 0 generic plans).
    private static final String[] CONTEXT = {
            contextSql(false, false), contextSql(true, false), contextSql(false, true), contextSql(true, true) };
    // The three rows of a post: the message, the conversation's version and last activity, and the author's read
    // position (the author has read their own message). SqlAppender runs them and the event insert as one statement.
    private static final String INSERT_MESSAGE = "INSERT INTO chat_messages (id, conversation_id, seq, author_id,"
            + " author_name, text, posted_at, reply_to, mentions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    private static final String ADVANCE_CONVERSATION = "UPDATE chat_conversations SET version = $2,"
            + " last_message_seq = $2, last_activity_at = $3 WHERE id = $1";
    private static final String AUTHOR_READ = "UPDATE chat_participants SET last_read_seq = $3"
            + " WHERE conversation_id = $1 AND user_id = $2";

    // The same post with the checks and the version read in the append's own statement (SqlAppender.appendGuarded):
    // the guard gives the conversation's version when the author takes part, it is not archived and the replied-to
    // message is in it; the rows take the new version from the guard. ConversationService falls back to the context
    // read when the guard gives no row, to say why.
    private static final String[] GUARD = { guardSql(false), guardSql(true) };
    private static final String GUARDED_INSERT_MESSAGE = "INSERT INTO chat_messages (id, conversation_id, seq, author_id,"
            + " author_name, text, posted_at, reply_to, mentions) SELECT $1::uuid, $2, guard.version + 1, $3, $4, $5,"
            + " $6::timestamptz, $7::uuid, $8 FROM guard";
    private static final String GUARDED_ADVANCE_CONVERSATION = "UPDATE chat_conversations c SET version = guard.version + 1,"
            + " last_message_seq = guard.version + 1, last_activity_at = $2 FROM guard WHERE c.id = $1";
    private static final String GUARDED_AUTHOR_READ = "UPDATE chat_participants p SET last_read_seq = guard.version + 1"
            + " FROM guard WHERE p.conversation_id = $1 AND p.user_id = $2";

    private static String guardSql(boolean withReply) {
        return "SELECT c.version FROM chat_participants p JOIN chat_conversations c ON c.id = p.conversation_id"
                + " WHERE p.conversation_id = $1 AND p.user_id = $2 AND c.archived_at IS NULL"
                + (withReply ? " AND EXISTS (SELECT 1 FROM chat_messages m WHERE m.id = $3 AND m.conversation_id = $1)"
                        : "");
    }

    private static String contextSql(boolean withParticipants, boolean withReply) {
        return "SELECT c.version, c.archived_at IS NOT NULL, "
                + (withParticipants ? "(SELECT array_agg(a.user_id ORDER BY a.user_id) FROM chat_participants a"
                        + " WHERE a.conversation_id = $1)" : "NULL::text[]")
                + ", " + (withReply ? "EXISTS (SELECT 1 FROM chat_messages m WHERE m.id = $4 AND m.conversation_id = $1)"
                        : "NULL::boolean")
                + ", k.stream_id, k.first_version, k.last_version"
                + " FROM chat_participants p JOIN chat_conversations c ON c.id = p.conversation_id"
                + " LEFT JOIN es_commands k ON k.command_id = $3"
                + " WHERE p.conversation_id = $1 AND p.user_id = $2";
    }

    /**
     * What a post needs to decide, as of one read: the conversation's version, whether it is archived, the
     * participants (only when asked for: to find mentions), whether the replied-to message is in it (null when there
     * is none), and the first result of the same command when it is a retry (null otherwise).
     */
    public record PostContext(long version, boolean archived, List<String> participants, Boolean replyFound,
            AppendResult previous) {
    }

    /**
     * The context, or null when {@code userId} does not take part in the conversation (or it does not exist), read on
     * {@code client}: the pool, or the transaction of a post that waits for its turn.
     */
    public Uni<PostContext> context(SqlClient client, String conversationId, String userId, boolean withParticipants,
            UUID replyTo, String commandId) {
        String sql = CONTEXT[(withParticipants ? 1 : 0) + (replyTo != null ? 2 : 0)];
        Tuple parameters = replyTo == null ? Tuple.tuple(Arrays.asList(conversationId, userId, commandId))
                : Tuple.tuple(Arrays.asList(conversationId, userId, commandId, replyTo));
        return client.preparedQuery(sql).execute(parameters).map(PostSql::context);
    }

    private static PostContext context(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        String[] participants = row.getArrayOfStrings(2);
        AppendResult previous = row.getString(4) == null ? null
                : new AppendResult(row.getString(4), row.getLong(5), row.getLong(6), true);
        return new PostContext(row.getLong(0), row.getBoolean(1),
                participants == null ? List.of() : List.of(participants), row.getBoolean(3), previous);
    }

    /** The read-model rows of a message posted at {@code seq}. */
    public static List<SqlAppender.Statement> readModel(String conversationId, long seq, ChatEvents.MessagePosted posted) {
        OffsetDateTime postedAt = utc(posted.postedAt());
        return List.of(
                new SqlAppender.Statement(INSERT_MESSAGE, Tuple.tuple(Arrays.asList(UUID.fromString(posted.messageId()),
                        conversationId, seq, posted.authorId(), posted.authorName(), posted.text(), postedAt,
                        posted.replyTo() == null ? null : UUID.fromString(posted.replyTo()),
                        ChatProjection.json(posted.mentions())))),
                new SqlAppender.Statement(ADVANCE_CONVERSATION, Tuple.of(conversationId, seq, postedAt)),
                new SqlAppender.Statement(AUTHOR_READ, Tuple.of(conversationId, posted.authorId(), seq)));
    }

    /** The guard of a post by {@code userId}: see {@link #GUARD}. */
    public static SqlAppender.Guard guard(String conversationId, String userId, UUID replyTo) {
        return replyTo == null ? new SqlAppender.Guard(GUARD[0], Tuple.of(conversationId, userId))
                : new SqlAppender.Guard(GUARD[1], Tuple.of(conversationId, userId, replyTo));
    }

    /** The rows of {@link #readModel} for a guarded append, which take the message's seq from the guard. */
    public static List<SqlAppender.Statement> guardedReadModel(String conversationId, ChatEvents.MessagePosted posted) {
        OffsetDateTime postedAt = utc(posted.postedAt());
        return List.of(
                new SqlAppender.Statement(GUARDED_INSERT_MESSAGE, Tuple.tuple(Arrays.asList(
                        UUID.fromString(posted.messageId()), conversationId, posted.authorId(), posted.authorName(),
                        posted.text(), postedAt, posted.replyTo() == null ? null : UUID.fromString(posted.replyTo()),
                        ChatProjection.json(posted.mentions())))),
                new SqlAppender.Statement(GUARDED_ADVANCE_CONVERSATION, Tuple.of(conversationId, postedAt)),
                new SqlAppender.Statement(GUARDED_AUTHOR_READ, Tuple.of(conversationId, posted.authorId())));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
