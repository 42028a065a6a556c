package dev.realtime.edge.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code edge.kafka.*} settings: how the edge treats the topics it reads. */
@ConfigMapping(prefix = "edge.kafka")
public interface EdgeKafkaConfig {

    /**
     * Create the topics the edge reads when they are missing, with their retention or compaction. Off where the
     * platform owns topics (and the edge has no right to create them): the edge then waits for them, not ready.
     */
    @WithDefault("true")
    boolean createMissingTopics();
}
