package dev.realtime.contracts.events;

import java.util.List;

/** The Kafka topics of the system (see docs/architecture in the README). */
public final class Topics {
    /** Integration events of chat-service; key = conversation room. */
    public static final String CHAT_EVENTS = "chat.events";
    /** Integration events of activity-service; key = project room. */
    public static final String ACTIVITY_EVENTS = "activity.events";
    /** Integration events of notification-service; key = user room. */
    public static final String NOTIFICATION_EVENTS = "notification.events";
    /** Open topic: record changes from any service, addressed to rooms without an owning stream or to users. */
    public static final String RECORDS_EVENTS = "records.events";
    /** Compacted: key {@code room|user}; a tombstone removes the membership. */
    public static final String MEMBERSHIPS = "realtime.memberships";
    /** Short retention: typing and presence between edge instances. */
    public static final String SIGNALS = "realtime.signals";
    /**
     * The edge's connection lifecycle ({@code dev.realtime.contracts.connections}); key = user room; kept 30 days;
     * never delivered to clients.
     */
    public static final String CONNECTIONS = "realtime.connections";

    /** The topics whose events the edge delivers to rooms. */
    public static final List<String> DELIVERED = List.of(CHAT_EVENTS, ACTIVITY_EVENTS, NOTIFICATION_EVENTS, RECORDS_EVENTS);

    private Topics() {
    }
}
