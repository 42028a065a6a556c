package dev.realtime.contracts.notification;

import dev.realtime.contracts.events.EventType;
import java.util.List;
import java.util.Optional;

/**
 * Integration event types published by notification-service on {@code notification.events}. Each user's
 * inbox is one stream, room {@code user:<sub>}, so {@code seq} is the inbox version; a broadcast to a role or to
 * everyone goes to {@code role:<name>} or {@code all} without {@code seq} and without an unread count (each
 * user's count differs; the client asks for it).
 */
public final class NotificationEventTypes {
    /** A notification arrived (data {@link NotificationNew}, with the inbox's new unread count). */
    public static final EventType NOTIFICATION_NEW = new EventType("notification.notification.new.v1", "notification:new");
    /** Notifications were marked read (data {@link NotificationRead}, with the inbox's new unread count). */
    public static final EventType NOTIFICATION_READ = new EventType("notification.notification.read.v1", "notification:read");

    public static final List<EventType> ALL = List.of(NOTIFICATION_NEW, NOTIFICATION_READ);

    private NotificationEventTypes() {
    }

    public static Optional<EventType> byCeType(String ceType) {
        return ALL.stream().filter(type -> type.ceType().equals(ceType)).findFirst();
    }
}
