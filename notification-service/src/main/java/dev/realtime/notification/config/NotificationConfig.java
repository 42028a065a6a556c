package dev.realtime.notification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The {@code notification.*} settings (docs/settings.md). */
@ConfigMapping(prefix = "notification")
public interface NotificationConfig {

    Consumer consumer();

    Fanout fanout();

    Broadcast broadcast();

    Email email();

    /** The consumers of the source topics (read by the Kafka channels' settings in application.properties). */
    interface Consumer {
        /** Consume chat.events, activity.events, records.events, realtime.signals and realtime.connections. */
        @WithDefault("true")
        boolean enabled();

        /** The consumer group of every channel of this service. */
        @WithDefault("notification-service")
        String groupId();

        /**
         * Kafka consumers of chat.events, each its own client, so a burst on one partition (a big conversation's
         * fan-out) does not hold up the conversations of the others.
         */
        @WithDefault("3")
        int chatConsumers();
    }

    interface Fanout {
        /**
         * Appends one fan-out keeps in flight (one per inbox), on a pool of this many workers and a few more; keep it
         * below {@code quarkus.datasource.reactive.max-size} so REST calls always find connections.
         */
        @WithDefault("12")
        int concurrency();
    }

    interface Broadcast {
        /** Broadcasts to roles or everyone reach an inbox when its user next lists or counts, if younger than this. */
        @WithDefault("P30D")
        Duration retention();
    }

    /** The digest e-mail to users offline with unread notifications not e-mailed before. */
    interface Email {
        /** Send digest e-mails at all. */
        @WithDefault("true")
        boolean enabled();

        /** How long a user is offline before a digest of their unread notifications. */
        @WithDefault("PT15M")
        Duration offlineAfter();

        /** The least time between two digests to one user. */
        @WithDefault("PT1H")
        Duration minInterval();

        /** How often the users due a digest are looked for. */
        @WithDefault("PT30S")
        Duration checkInterval();

        /**
         * The address of a user whose tokens carried no {@code email} claim ({@code {sub}} is replaced by the user id);
         * unset: no e-mail for such users.
         */
        Optional<String> addressTemplate();

        /** The base URL of the links in the e-mails. */
        @WithDefault("http://localhost:8080")
        String linkBase();
    }
}
