package dev.realtime.contracts.notification;

import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.records.Target;
import java.time.Instant;

/**
 * Data of {@code notification.notification.new.v1}. {@code type} says what happened (e.g. {@code message},
 * {@code mention}, {@code conversation:added}, or a requesting service's own type); {@code target.link} is the
 * deep link; {@code sourceEventId} the CloudEvent id it was derived from. {@code unreadCount} is the inbox's
 * unread count after this notification; null on a broadcast to a role or to everyone.
 */
public record NotificationNew(
        String notificationId,
        String type,
        String title,
        String body,
        Actor actor,
        Target target,
        Instant createdAt,
        boolean read,
        String sourceEventId,
        Long unreadCount) {
}
