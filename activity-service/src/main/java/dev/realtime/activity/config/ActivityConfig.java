package dev.realtime.activity.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** The {@code activity.*} settings (docs/activity-api.md, "Configuration"). */
@ConfigMapping(prefix = "activity")
public interface ActivityConfig {

    /**
     * Deep-link templates by target type ({@code activity.links.track=...}); the key {@code default} is used for
     * types without one. Placeholders: {@code {projectId}}, {@code {targetType}}, {@code {targetId}}.
     */
    Map<String, String> links();

    Grouping grouping();

    /** The unseen count stops here ("999+"): counting a whole large feed for a badge costs too much. */
    @WithDefault("1000")
    int unseenCap();

    Sources sources();

    Limits limits();

    interface Grouping {
        /** Items of one verb and target this close to the newest of them render as one group. */
        @WithDefault("10m")
        Duration window();

        /** How many actor names a group lists (the rest is counted). */
        @WithDefault("3")
        int actorNames();
    }

    interface Limits {
        /**
         * The most members a project may have, its owner included: each is a membership on every edge, and the member
         * list is read and answered whole (docs/activity-api.md, "Limits").
         */
        @WithDefault("500")
        int maxMembers();
    }

    interface Sources {
        /** Consume chat.events and records.events. */
        @WithDefault("true")
        boolean enabled();

        /** The Kafka consumer group of those consumers. */
        @WithDefault("activity-service")
        String groupId();
    }
}
