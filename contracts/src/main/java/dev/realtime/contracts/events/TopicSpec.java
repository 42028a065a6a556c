package dev.realtime.contracts.events;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How a topic of the system is created: its partitions in production and how long Kafka keeps its records. The one
 * source for every place that creates topics (the local stack, the edge's provisioner) and for the check of
 * docker-compose.yml; docs/contracts.md describes them.
 *
 * @param retention how long records are kept; null for a compacted topic (kept until superseded)
 */
public record TopicSpec(String name, int partitions, Duration retention, boolean compacted) {

    static TopicSpec kept(String name, int partitions, Duration retention) {
        return new TopicSpec(name, partitions, retention, false);
    }

    static TopicSpec compacted(String name, int partitions) {
        return new TopicSpec(name, partitions, null, true);
    }

    /** The topic-level configuration Kafka is given when the topic is created. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        if (compacted) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            // Compact once a tenth of the log is superseded: the index a starting edge reads stays small.
            configs.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1");
        }
        if (retention != null) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
        }
        return configs;
    }
}
