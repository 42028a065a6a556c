package dev.realtime.eventstore.relay;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The current state of a derived, compacted topic that this service owns part of (e.g. the memberships of its rooms
 * on {@code realtime.memberships}), read from the service's read models so the relay can re-publish it to a new or
 * emptied Kafka cluster. A service provides it as a CDI bean; the relay runs it ({@link Republisher}).
 *
 * <p>The records must be made by the same code that maps the live changes (the service's {@link IntegrationMapper}),
 * so a re-published record is the one the relay would have sent.
 */
public interface StateSnapshot {

    /** Names the snapshot in the marker table, the metrics and the operator endpoint (e.g. {@code memberships}). */
    String name();

    /** The compacted topic the records go to. */
    String topic();

    /**
     * Whether a key on {@link #topic()} is this service's: only its own keys are compared with the snapshot, and a
     * present one the snapshot no longer has is removed with a tombstone. Other owners' keys are left alone.
     */
    boolean owns(String key);

    /**
     * Hands every record of the current state to {@code records}, reading with {@code connection}, which is inside a
     * read-only REPEATABLE READ transaction: every query of one call sees the same committed state.
     */
    void read(Connection connection, Consumer<ProducerRecord<String, byte[]>> records) throws SQLException;

    /** Topic configs used when the topic is missing and the relay creates it. */
    default Map<String, String> topicConfigs() {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
}
