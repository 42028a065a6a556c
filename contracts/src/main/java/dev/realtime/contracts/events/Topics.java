package dev.realtime.contracts.events;

import java.time.Duration;
import java.util.List;

/** The Kafka topics of the system (docs/contracts.md, "Topics"), and how each is created ({@link #ALL}). */
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

    /** Events stay a week: long enough for a consumer down over a weekend, and for resumes from Kafka's side. */
    private static final Duration EVENTS_RETENTION = Duration.ofDays(7);

    /**
     * Every topic of the system as it is created. Partitions are production's; the local stack uses fewer. Signals
     * outlive the presence TTL (90 s), since a starting edge reads them from one TTL back.
     */
    public static final List<TopicSpec> ALL = List.of(
            TopicSpec.kept(CHAT_EVENTS, 6, EVENTS_RETENTION),
            TopicSpec.kept(ACTIVITY_EVENTS, 6, EVENTS_RETENTION),
            TopicSpec.kept(NOTIFICATION_EVENTS, 6, EVENTS_RETENTION),
            TopicSpec.kept(RECORDS_EVENTS, 6, EVENTS_RETENTION),
            TopicSpec.compacted(MEMBERSHIPS, 6),
            TopicSpec.kept(SIGNALS, 3, Duration.ofMinutes(5)),
            TopicSpec.kept(CONNECTIONS, 6, Duration.ofDays(30)));

    /** The specification of one of the system's topics. */
    public static TopicSpec spec(String topic) {
        return ALL.stream().filter(spec -> spec.name().equals(topic)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a topic of the system: " + topic));
    }

    private Topics() {
    }
}
