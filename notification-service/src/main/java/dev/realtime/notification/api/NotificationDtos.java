package dev.realtime.notification.api;

import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.records.Target;
import dev.realtime.notification.store.NotificationRow;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** Request and response bodies of the notification API (docs/notification-api.md). */
public final class NotificationDtos {
    static final String TYPE = "[a-z0-9][a-z0-9:._-]{0,63}";
    static final String ENTITY_ID = "[A-Za-z0-9_-]{1,64}";
    static final String TIME = "([01][0-9]|2[0-3]):[0-5][0-9]";
    static final int MAX_MUTED = 500;

    private NotificationDtos() {
    }

    public record Notification(String id, long seq, String type, String title, String body, Actor actor, Target target,
            Instant createdAt, boolean read, Instant readAt, String sourceEventId) {
        static Notification of(NotificationRow row) {
            return new Notification(row.id(), row.seq(), row.type(), row.title(), row.body(), row.actor(), row.target(),
                    row.createdAt(), row.readAt() != null, row.readAt(), row.sourceEventId());
        }
    }

    /** {@code next}: the {@code before} of the next (older) page, absent at the end. */
    public record NotificationPage(List<Notification> items, long unreadCount, Long next) {
    }

    public record UnreadCount(long unreadCount) {
    }

    public record ReadResult(int marked, long unreadCount) {
    }

    public record ReadUpTo(@NotNull OffsetDateTime upTo) {
    }

    public record QuietHours(
            @NotNull @Pattern(regexp = TIME, message = "must be HH:mm") String start,
            @NotNull @Pattern(regexp = TIME, message = "must be HH:mm") String end,
            @NotNull @Size(min = 1, max = 64) String timeZone) {
    }

    public record Preferences(
            @NotNull Boolean emailEnabled,
            @Size(max = MAX_MUTED) List<@NotNull @Pattern(regexp = TYPE, message = "must be a notification type") String> mutedTypes,
            @Size(max = MAX_MUTED) List<@NotNull @Pattern(regexp = ENTITY_ID, message = "must be a conversation id") String> mutedConversations,
            @Size(max = MAX_MUTED) List<@NotNull @Pattern(regexp = ENTITY_ID, message = "must be a project id") String> mutedProjects,
            @Valid QuietHours quietHours) {
    }
}
