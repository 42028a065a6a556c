package dev.realtime.eventstore.relay;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "eventstore.relay")
public interface RelayConfig {

    /** Starts the relay with the application. */
    @WithDefault("true")
    boolean enabled();

    /** Names the checkpoint and the leadership lock; one relay of that name runs per database at a time. */
    @WithDefault("default")
    String name();

    /**
     * The Kafka transactional id of this relay's producer; default {@code eventstore-relay-<name>}. Every instance of
     * one service shares it (a new leader fences the old one); set it per deployment when several share a cluster.
     */
    Optional<String> transactionalId();

    /** Events published per Kafka transaction, at most. */
    @WithDefault("500")
    int batchSize();

    /** How long an idle relay waits for a commit notification before it looks again anyway. */
    @WithDefault("1s")
    Duration pollInterval();

    /** The first wait after a failed publish (Kafka or the database unavailable) before the relay tries again. */
    @WithDefault("200ms")
    Duration initialBackoff();

    /** The longest wait between two attempts of a failing relay. */
    @WithDefault("10s")
    Duration maxBackoff();

    /** How often a standby instance tries to take over. */
    @WithDefault("5s")
    Duration standbyRetry();

    /** Re-publishing derived state ({@link StateSnapshot}s, e.g. memberships) to a new or emptied cluster. */
    Republish republish();

    interface Republish {
        /**
         * Compares each snapshot's topic with what the last re-publish left there when the relay takes the lead and
         * every {@link #checkInterval()}, and re-publishes when it lost records. False: only on an operator's request.
         */
        @WithDefault("true")
        boolean checkTopics();

        /** How often a leading relay compares the topics again (0: only when it takes the lead). */
        @WithDefault("1m")
        Duration checkInterval();
    }

    /**
     * Extra Kafka producer properties, e.g. {@code eventstore.relay.kafka."delivery.timeout.ms"=30000}: in
     * application.properties or as a system property (an environment variable cannot carry the dots of the names).
     */
    Map<String, String> kafka();
}
