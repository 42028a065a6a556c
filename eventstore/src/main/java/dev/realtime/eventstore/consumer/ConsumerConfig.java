package dev.realtime.eventstore.consumer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The {@code eventstore.consumer.*} settings of every Kafka consumer under {@link ConsumerPolicy}. */
@ConfigMapping(prefix = "eventstore.consumer")
public interface ConsumerConfig {

    Retry retry();

    /** Readiness {@code kafka-consumers} is DOWN once a consumer has retried one event this long. */
    @WithDefault("PT30S")
    Duration stalledAfter();

    /** An event whose handling failed (a dependency failing) is retried for ever, with a growing, jittered wait. */
    interface Retry {
        /** The first wait before retrying a failed event. */
        @WithDefault("PT0.2S")
        Duration initialBackoff();

        /** The longest wait between two attempts. */
        @WithDefault("PT10S")
        Duration maxBackoff();
    }
}
