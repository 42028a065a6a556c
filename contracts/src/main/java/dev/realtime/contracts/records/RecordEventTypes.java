package dev.realtime.contracts.records;

import dev.realtime.contracts.events.EventType;
import java.util.List;
import java.util.Optional;

/**
 * Event types of the open topic {@code records.events}, which any service may produce to. Such events
 * have no owning stream unless their room is one, and never carry a {@code seq}.
 */
public final class RecordEventTypes {
    /** A record changed; delivered live to its audience (or to {@code ce_room} when it has none). */
    public static final EventType RECORD_CHANGED = new EventType("records.record.changed.v1", "record:changed");
    /** A request to notify users; notification-service turns it into notifications, the edge does not deliver it. */
    public static final EventType NOTIFICATION_REQUESTED =
            new EventType("records.notification.requested.v1", "notification:requested");

    public static final List<EventType> ALL = List.of(RECORD_CHANGED, NOTIFICATION_REQUESTED);

    private RecordEventTypes() {
    }

    public static Optional<EventType> byCeType(String ceType) {
        return ALL.stream().filter(type -> type.ceType().equals(ceType)).findFirst();
    }
}
