package dev.realtime.notification.store;

import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.records.Target;
import dev.realtime.eventstore.store.Projection;
import dev.realtime.eventstore.store.StoredEvent;
import dev.realtime.notification.model.NotificationEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Inboxes, notifications and broadcasts, kept from the user and broadcast streams in the transaction of each
 * append. The unread count is taken from the event (decided by the command at the stream's version), so a
 * replay yields the same counts.
 */
@ApplicationScoped
public class InboxProjection implements Projection {

    @Override
    public String name() {
        return "notification-inbox";
    }

    @Override
    public Uni<Void> apply(StoredEvent event, Mutiny.Session session) {
        return switch (event.type) {
            case NotificationEvents.CREATED -> created(event, session);
            case NotificationEvents.READ -> read(event, session);
            case NotificationEvents.BROADCAST -> broadcast(event, session);
            default -> Uni.createFrom().voidItem();
        };
    }

    private Uni<Void> created(StoredEvent event, Mutiny.Session session) {
        NotificationEvents.Created created = event.dataAs(NotificationEvents.Created.class);
        String user = userOf(event);
        // One statement for the notification and its inbox: a fan-out makes one of these per recipient.
        return withActorAndTarget(session.createNativeQuery("""
                with inserted as (
                    insert into nt_notifications (id, user_id, seq, type, title, body, actor_id, actor_name,
                        target_type, target_id, target_title, target_link, created_at, source_event_id)
                    values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                    returning user_id, seq)
                insert into nt_inbox (user_id, version, unread_count) select user_id, seq, ?15 from inserted
                on conflict (user_id) do update set version = excluded.version, unread_count = excluded.unread_count""")
                .setParameter(1, UUID.fromString(created.notificationId()))
                .setParameter(2, user)
                .setParameter(3, event.version)
                .setParameter(4, created.type())
                .setParameter(5, created.title())
                .setParameter(6, created.body()), 7, created.actor(), created.target())
                .setParameter(13, OffsetDateTime.ofInstant(created.createdAt(), ZoneOffset.UTC))
                .setParameter(14, created.sourceEventId())
                .setParameter(15, created.unreadCount())
                .executeUpdate()
                .replaceWithVoid();
    }

    private Uni<Void> read(StoredEvent event, Mutiny.Session session) {
        NotificationEvents.Read read = event.dataAs(NotificationEvents.Read.class);
        String user = userOf(event);
        OffsetDateTime readAt = OffsetDateTime.ofInstant(read.readAt(), ZoneOffset.UTC);
        Uni<Integer> marked;
        if (read.notificationIds() != null && !read.notificationIds().isEmpty()) {
            marked = session.createNativeQuery("update nt_notifications set read_at = ?1"
                            + " where user_id = ?2 and id = ?3 and read_at is null")
                    .setParameter(1, readAt).setParameter(2, user)
                    .setParameter(3, UUID.fromString(read.notificationIds().get(0)))
                    .executeUpdate();
        } else if (read.all()) {
            marked = session.createNativeQuery("update nt_notifications set read_at = ?1"
                            + " where user_id = ?2 and seq < ?3 and read_at is null")
                    .setParameter(1, readAt).setParameter(2, user).setParameter(3, event.version)
                    .executeUpdate();
        } else {
            marked = session.createNativeQuery("update nt_notifications set read_at = ?1"
                            + " where user_id = ?2 and seq < ?3 and created_at <= ?4 and read_at is null")
                    .setParameter(1, readAt).setParameter(2, user).setParameter(3, event.version)
                    .setParameter(4, OffsetDateTime.ofInstant(read.upTo(), ZoneOffset.UTC))
                    .executeUpdate();
        }
        return marked.chain(() -> inbox(session, user, event.version, read.unreadCount()));
    }

    /**
     * Binds who did it and what it is about, the six columns a notification and a broadcast share
     * ({@code actor_id, actor_name, target_type, target_id, target_title, target_link}), from parameter {@code first}.
     */
    private static Mutiny.MutationQuery withActorAndTarget(Mutiny.MutationQuery query, int first, Actor actor,
            Target target) {
        return query.setParameter(first, actor == null ? null : actor.id())
                .setParameter(first + 1, actor == null ? null : actor.name())
                .setParameter(first + 2, target == null ? null : target.type())
                .setParameter(first + 3, target == null ? null : target.id())
                .setParameter(first + 4, target == null ? null : target.title())
                .setParameter(first + 5, target == null ? null : target.link());
    }

    private static Uni<Void> inbox(Mutiny.Session session, String user, long version, long unread) {
        return session.createNativeQuery("""
                insert into nt_inbox (user_id, version, unread_count) values (?1, ?2, ?3)
                on conflict (user_id) do update set version = excluded.version, unread_count = excluded.unread_count""")
                .setParameter(1, user).setParameter(2, version).setParameter(3, unread)
                .executeUpdate().replaceWithVoid();
    }

    private Uni<Void> broadcast(StoredEvent event, Mutiny.Session session) {
        NotificationEvents.Broadcast broadcast = event.dataAs(NotificationEvents.Broadcast.class);
        return withActorAndTarget(session.createNativeQuery("""
                insert into nt_broadcasts (id, source_event_id, rooms, type, title, body, actor_id, actor_name,
                    target_type, target_id, target_title, target_link, created_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)""")
                .setParameter(1, UUID.fromString(broadcast.broadcastId()))
                .setParameter(2, broadcast.sourceEventId())
                .setParameter(3, broadcast.rooms().toArray(String[]::new))
                .setParameter(4, broadcast.type())
                .setParameter(5, broadcast.title())
                .setParameter(6, broadcast.body()), 7, broadcast.actor(), broadcast.target())
                .setParameter(13, OffsetDateTime.ofInstant(broadcast.createdAt(), ZoneOffset.UTC))
                .executeUpdate().replaceWithVoid();
    }

    @Override
    public Uni<Void> reset(Mutiny.Session session) {
        return session.createNativeQuery("truncate nt_notifications, nt_inbox, nt_broadcasts").executeUpdate()
                .replaceWithVoid();
    }

    private static String userOf(StoredEvent event) {
        return event.streamId.substring("user:".length());
    }
}
