package dev.realtime.chat.store;

import dev.realtime.chat.domain.ChatEvents;
import dev.realtime.eventstore.store.AppendResult;
import dev.realtime.eventstore.store.SqlAppender;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of posting a message, the hot command of chat-service: one query for what the command needs, and the
 * read-model statements that {@link SqlAppender} pipelines with the event insert. {@link #readModel} must do
 * exactly what {@link ChatProjection} does for {@code MessagePosted} (a replay rebuilds the rows through the
 * projection); ChatDomainTest compares the two.
 */
@ApplicationScoped
public class PostSql {
    // One read for the whole decision; the retried-command lookup joins the event store's command records
    // (es_commands, docs/event-store.md) instead of costing a statement of its own on the hottest path.
    private static final String CONTEXT = "SELECT c.version, c.archived_at IS NOT NULL,"
            + " CASE WHEN $3 THEN (SELECT array_agg(a.user_id ORDER BY a.user_id) FROM chat_participants a"
            + "   WHERE a.conversation_id = $1) END,"
            + " CASE WHEN $4::uuid IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM chat_messages m"
            + "   WHERE m.id = $4::uuid AND m.conversation_id = $1) END,"
            + " k.stream_id, k.first_version, k.last_version"
            + " FROM chat_participants p JOIN chat_conversations c ON c.id = p.conversation_id"
            + " LEFT JOIN es_commands k ON k.command_id = $5"
            + " WHERE p.conversation_id = $1 AND p.user_id = $2";
    // The three rows of a post in one statement: the message, the conversation's version and last activity, and the
    // author's read position (the author has read their own message).
    private static final String READ_MODEL = "WITH message AS (INSERT INTO chat_messages (id, conversation_id, seq,"
            + " author_id, author_name, text, posted_at, reply_to, mentions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)),"
            + " conversation AS (UPDATE chat_conversations SET version = $3, last_message_seq = $3, last_activity_at = $7"
            + "   WHERE id = $2)"
            + " UPDATE chat_participants SET last_read_seq = $3 WHERE conversation_id = $2 AND user_id = $4";

    /**
     * What a post needs to decide, as of one read: the conversation's version, whether it is archived, the
     * participants (only when asked for: to find mentions), whether the replied-to message is in it (null when there
     * is none), and the first result of the same command when it is a retry (null otherwise).
     */
    public record PostContext(long version, boolean archived, List<String> participants, Boolean replyFound,
            AppendResult previous) {
    }

    @Inject
    Pool pool;

    /** The context, or null when {@code userId} does not take part in the conversation (or it does not exist). */
    public Uni<PostContext> context(String conversationId, String userId, boolean withParticipants, UUID replyTo,
            String commandId) {
        return pool.preparedQuery(CONTEXT)
                .execute(Tuple.tuple(Arrays.asList(conversationId, userId, withParticipants, replyTo, commandId)))
                .map(PostSql::context);
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
        return List.of(new SqlAppender.Statement(READ_MODEL, Tuple.tuple(Arrays.asList(
                UUID.fromString(posted.messageId()), conversationId, seq, posted.authorId(), posted.authorName(),
                posted.text(), utc(posted.postedAt()), posted.replyTo() == null ? null : UUID.fromString(posted.replyTo()),
                ChatProjection.json(posted.mentions())))));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
