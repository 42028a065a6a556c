package dev.realtime.notification.model;

import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.records.Target;
import java.time.Instant;
import java.util.List;

/**
 * Domain events of notification-service, as stored. A user's inbox is the stream {@code user:<sub>}; a
 * broadcast to roles or to everyone is its own stream {@code broadcast:<id>} (not a room: no seq).
 */
public final class NotificationEvents {
    public static final String CREATED = "notification.NotificationCreated.v1";
    public static final String READ = "notification.NotificationsRead.v1";
    public static final String BROADCAST = "notification.BroadcastRequested.v1";
    public static final String BROADCAST_STREAM_PREFIX = "broadcast:";

    private NotificationEvents() {
    }

    /** {@code unreadCount}: the inbox's unread count after this notification. */
    public record Created(String notificationId, String type, String title, String body, Actor actor, Target target,
            Instant createdAt, String sourceEventId, long unreadCount) {
    }

    /** One ({@code notificationIds}), all, or up to a time; {@code marked} unread ones became read. */
    public record Read(List<String> notificationIds, boolean all, Instant upTo, int marked, long unreadCount,
            Instant readAt) {
    }

    /** {@code rooms}: the {@code all} or {@code role:<name>} rooms the broadcast is for. */
    public record Broadcast(String broadcastId, List<String> rooms, String type, String title, String body, Actor actor,
            Target target, Instant createdAt, String sourceEventId) {
    }
}
