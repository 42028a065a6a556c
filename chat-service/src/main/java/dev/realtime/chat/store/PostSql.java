package dev.realtime.chat.store;

import dev.realtime.chat.model.ChatEvents;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of posting a message, the hot command of chat-service: the guard and the read-model statements that
 * {@link SqlAppender} runs with the event insert as one statement, and one query for what a post needs to decide when
 * the guard is not enough (mentions) or refused. {@link ChatProjection} replays {@code MessagePosted} with the same
 * {@link #readModel} statements; ChatDomainTest checks that a replay rebuilds the rows the posts wrote.
 */
@ApplicationScoped
public class PostSql {
    // One read of what a post needs when its guard is not enough (the participants, to find mentions) or refused (to
    // say why; a retried command's first result is the event store's to find: SqlAppender.recorded). The participant
    // list and the reply check are in the text only when the post needs them (four texts, not a CASE on a parameter):
    // PostgreSQL then keeps one generic plan per text, where a CASE on a parameter had it plan the query again on
    // every post (pg_prepared_statements: 0 generic plans).
    private static final String[] CONTEXT = {
            contextSql(false, false), contextSql(true, false), contextSql(false, true), contextSql(true, true) };
    // A post is a guarded append (SqlAppender.appendGuarded): the guard gives the conversation's version when the
    // author takes part, it is not archived and the replied-to message is in it, read in the append's own statement.
    // ConversationService reads the context when the guard gives no row, to say why. The three rows of a post (the
    // message, the conversation's version and last activity, the author's read position: the author has read their own
    // message) take the new version from the guard; they are declared here once, for the post and for a replay
    // (ChatProjection runs the same statements through SqlAppender.replay).
    // A post with mentions pins the version its participant list was read at, so that it never names someone the
    // conversation lost in between (the guard then refuses, and the post runs again in the conversation's turn).
    private static final String[] GUARD = { guardSql(false, false), guardSql(true, false), guardSql(false, true),
            guardSql(true, true) };
    private static final String INSERT_MESSAGE = "INSERT INTO chat_messages (id, conversation_id, seq, author_id,"
            + " author_name, text, posted_at, reply_to, mentions) SELECT $1::uuid, $2, guard.version + 1, $3, $4, $5,"
            + " $6::timestamptz, $7::uuid, $8 FROM guard";
    private static final String ADVANCE_CONVERSATION = "UPDATE chat_conversations c SET version = guard.version + 1,"
            + " last_message_seq = guard.version + 1, last_activity_at = $2 FROM guard WHERE c.id = $1";
    private static final String AUTHOR_READ = "UPDATE chat_participants p SET last_read_seq = guard.version + 1"
            + " FROM guard WHERE p.conversation_id = $1 AND p.user_id = $2";

    private static String guardSql(boolean withReply, boolean atVersion) {
        return "SELECT c.version FROM chat_participants p JOIN chat_conversations c ON c.id = p.conversation_id"
                + " WHERE p.conversation_id = $1 AND p.user_id = $2 AND c.archived_at IS NULL"
                + (withReply ? " AND EXISTS (SELECT 1 FROM chat_messages m WHERE m.id = $3 AND m.conversation_id = $1)"
                        : "")
                + (atVersion ? " AND c.version = $" + (withReply ? 4 : 3) : "");
    }

    private static String contextSql(boolean withParticipants, boolean withReply) {
        return "SELECT c.version, c.archived_at IS NOT NULL, "
                + (withParticipants ? "(SELECT array_agg(a.user_id ORDER BY a.user_id) FROM chat_participants a"
                        + " WHERE a.conversation_id = $1)" : "NULL::text[]")
                + ", " + (withReply ? "EXISTS (SELECT 1 FROM chat_messages m WHERE m.id = $3 AND m.conversation_id = $1)"
                        : "NULL::boolean")
                + " FROM chat_participants p JOIN chat_conversations c ON c.id = p.conversation_id"
                + " WHERE p.conversation_id = $1 AND p.user_id = $2";
    }

    /**
     * What a post needs to decide, as of one read: the conversation's version, whether it is archived, the
     * participants (only when asked for: to find mentions), and whether the replied-to message is in it (null when
     * there is none).
     */
    public record PostContext(long version, boolean archived, List<String> participants, Boolean replyFound) {
    }

    /**
     * The context, or null when {@code userId} does not take part in the conversation (or it does not exist), read on
     * {@code client}: the pool, or the transaction of a post that waits for its turn.
     */
    public Uni<PostContext> context(SqlClient client, String conversationId, String userId, boolean withParticipants,
            UUID replyTo) {
        String sql = CONTEXT[(withParticipants ? 1 : 0) + (replyTo != null ? 2 : 0)];
        Tuple parameters = replyTo == null ? Tuple.of(conversationId, userId) : Tuple.of(conversationId, userId, replyTo);
        return client.preparedQuery(sql).execute(parameters).map(PostSql::context);
    }

    private static PostContext context(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        String[] participants = row.getArrayOfStrings(2);
        return new PostContext(row.getLong(0), row.getBoolean(1),
                participants == null ? List.of() : List.of(participants), row.getBoolean(3));
    }

    /**
     * The guard of a post by {@code userId}: see {@link #GUARD}. {@code atVersion}: the version the post's participant
     * list was read at (null when it read none).
     */
    public static SqlAppender.Guard guard(String conversationId, String userId, UUID replyTo, Long atVersion) {
        List<Object> parameters = new ArrayList<>(4);
        parameters.add(conversationId);
        parameters.add(userId);
        if (replyTo != null) {
            parameters.add(replyTo);
        }
        if (atVersion != null) {
            parameters.add(atVersion);
        }
        return new SqlAppender.Guard(GUARD[(replyTo != null ? 1 : 0) + (atVersion != null ? 2 : 0)],
                Tuple.tuple(parameters));
    }

    /** The rows of a post, which take the message's seq from the guard: {@code guard.version + 1}. */
    public static List<SqlAppender.Statement> readModel(String conversationId, ChatEvents.MessagePosted posted) {
        OffsetDateTime postedAt = utc(posted.postedAt());
        return List.of(
                new SqlAppender.Statement(INSERT_MESSAGE, Tuple.tuple(Arrays.asList(
                        UUID.fromString(posted.messageId()), conversationId, posted.authorId(), posted.authorName(),
                        posted.text(), postedAt, posted.replyTo() == null ? null : UUID.fromString(posted.replyTo()),
                        ChatProjection.json(posted.mentions())))),
                new SqlAppender.Statement(ADVANCE_CONVERSATION, Tuple.of(conversationId, postedAt)),
                new SqlAppender.Statement(AUTHOR_READ, Tuple.of(conversationId, posted.authorId())));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
