package dev.realtime.notification.store;

import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.records.Target;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/** One notification as the read model holds it. */
public record NotificationRow(String id, String userId, long seq, String type, String title, String body, Actor actor,
        Target target, Instant createdAt, Instant readAt, String sourceEventId) {

    static final String COLUMNS = "id, user_id, seq, type, title, body, actor_id, actor_name, target_type, target_id,"
            + " target_title, target_link, created_at, read_at, source_event_id";

    static NotificationRow of(Row row) {
        String actorId = row.getString("actor_id");
        String targetType = row.getString("target_type");
        String targetId = row.getString("target_id");
        String targetTitle = row.getString("target_title");
        String targetLink = row.getString("target_link");
        boolean hasTarget = targetType != null || targetId != null || targetTitle != null || targetLink != null;
        return new NotificationRow(row.getUUID("id").toString(), row.getString("user_id"), row.getLong("seq"),
                row.getString("type"), row.getString("title"), row.getString("body"),
                actorId == null ? null : new Actor(actorId, row.getString("actor_name")),
                hasTarget ? new Target(targetType, targetId, targetTitle, targetLink) : null,
                instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("read_at")),
                row.getString("source_event_id"));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
