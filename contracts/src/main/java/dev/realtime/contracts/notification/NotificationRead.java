package dev.realtime.contracts.notification;

import java.time.Instant;
import java.util.List;

/**
 * Data of {@code notification.notification.read.v1}: the user marked {@code notificationIds} read (one), or
 * every notification ({@code all}), or every notification created at or before {@code upTo}. {@code marked} is
 * how many changed from unread to read; {@code unreadCount} the inbox's unread count afterwards.
 */
public record NotificationRead(
        List<String> notificationIds,
        boolean all,
        Instant upTo,
        int marked,
        long unreadCount,
        Instant readAt) {
}
