package dev.realtime.notification.store;

import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.records.Target;
import dev.realtime.notification.model.Draft;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads of the inbox read model. They run on their own connection, outside the command's transaction: a
 * command decides on what they return and appends at the version they saw, so a concurrent change to the same
 * inbox makes the append fail and the command run again.
 */
@ApplicationScoped
public class InboxQueries {

    @Inject
    Pool client;

    /** The inbox's version and unread count, and whether {@code sourceEventId} already gave this user a notification. */
    public record State(long version, long unreadCount, boolean delivered) {
    }

    public Uni<State> state(String user, String sourceEventId) {
        return client.preparedQuery("""
                select coalesce((select version from nt_inbox where user_id = $1), 0) as version,
                       coalesce((select unread_count from nt_inbox where user_id = $1), 0) as unread,
                       exists (select 1 from nt_notifications where user_id = $1 and source_event_id = $2) as delivered""")
                .execute(Tuple.of(user, sourceEventId == null ? "" : sourceEventId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new State(row.getLong("version"), row.getLong("unread"), row.getBoolean("delivered"));
                });
    }

    /** When the service first knew the user: their first notification, or now for a user met for the first time. */
    public Uni<Instant> firstSeen(String user) {
        return client.preparedQuery("""
                insert into nt_users (user_id, first_seen)
                values ($1, coalesce((select min(created_at) from nt_notifications where user_id = $1), now()))
                on conflict (user_id) do update set first_seen = nt_users.first_seen
                returning first_seen""")
                .execute(Tuple.of(user))
                .map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant());
    }

    public Uni<NotificationRow> find(String user, UUID id) {
        return client.preparedQuery("select " + NotificationRow.COLUMNS + " from nt_notifications where user_id = $1 and id = $2")
                .execute(Tuple.of(user, id))
                .map(rows -> rows.size() == 0 ? null : NotificationRow.of(rows.iterator().next()));
    }

    /** Newest first, below {@code beforeSeq}. */
    public Uni<List<NotificationRow>> page(String user, boolean unreadOnly, long beforeSeq, int limit) {
        String sql = "select " + NotificationRow.COLUMNS + " from nt_notifications where user_id = $1 and seq < $2"
                + (unreadOnly ? " and read_at is null" : "") + " order by seq desc limit $3";
        return client.preparedQuery(sql).execute(Tuple.of(user, beforeSeq, limit)).map(InboxQueries::rows);
    }

    public Uni<Integer> unreadUpTo(String user, Instant upTo) {
        return client.preparedQuery("select count(*) from nt_notifications where user_id = $1 and read_at is null"
                        + " and created_at <= $2")
                .execute(Tuple.of(user, OffsetDateTime.ofInstant(upTo, ZoneOffset.UTC)))
                .map(rows -> rows.iterator().next().getLong(0).intValue());
    }

    /** Unread notifications after {@code afterSeq}, oldest first (the digest). */
    public Uni<List<NotificationRow>> unreadAfter(String user, long afterSeq, int limit) {
        return client.preparedQuery("select " + NotificationRow.COLUMNS + " from nt_notifications where user_id = $1"
                        + " and seq > $2 and read_at is null order by seq limit $3")
                .execute(Tuple.of(user, afterSeq, limit)).map(InboxQueries::rows);
    }

    /** Broadcasts for any of {@code rooms} since {@code since} that this user's inbox does not hold yet. */
    public Uni<List<Draft>> pendingBroadcasts(String user, List<String> rooms, Instant since, List<String> mutedTypes,
            int limit) {
        return client.preparedQuery("""
                select b.* from nt_broadcasts b
                where b.rooms && $2 and b.created_at >= $3 and not (b.type = any($4))
                  and not exists (select 1 from nt_notifications n where n.user_id = $1 and n.source_event_id = b.source_event_id)
                order by b.created_at limit $5""")
                .execute(Tuple.of(user, rooms.toArray(String[]::new), OffsetDateTime.ofInstant(since, ZoneOffset.UTC),
                        mutedTypes.toArray(String[]::new), limit))
                .map(rows -> {
                    List<Draft> drafts = new ArrayList<>();
                    for (Row row : rows) {
                        String actorId = row.getString("actor_id");
                        String link = row.getString("target_link");
                        String targetType = row.getString("target_type");
                        drafts.add(new Draft(row.getString("type"), row.getString("title"), row.getString("body"),
                                actorId == null ? null : new Actor(actorId, row.getString("actor_name")),
                                targetType == null && link == null ? null : new Target(targetType,
                                        row.getString("target_id"), row.getString("target_title"), link),
                                row.getOffsetDateTime("created_at").toInstant(), row.getString("source_event_id")));
                    }
                    return drafts;
                });
    }

    private static List<NotificationRow> rows(RowSet<Row> rows) {
        List<NotificationRow> list = new ArrayList<>(rows.size());
        rows.forEach(row -> list.add(NotificationRow.of(row)));
        return list;
    }
}
