package dev.realtime.edge.kafka;

import dev.realtime.contracts.events.Topics;
import dev.realtime.edge.config.EdgeKafkaConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the topics the edge reads when they do not exist yet, so a fresh local stack works without a separate
 * set-up step. Where the platform team creates topics (and the edge has no right to), switch it off with
 * {@code edge.kafka.create-missing-topics=false}: the edge then waits for them and reports not ready meanwhile.
 */
@ApplicationScoped
public class TopicProvisioner {
    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

    @Inject
    KafkaClients clients;

    @Inject
    EdgeKafkaConfig config;

    /**
     * Creates those of {@code topics} (names of contracts' {@code Topics}) that do not exist, with their retention
     * or compaction. Best effort: a failure is logged, and the readers keep looking for the topics.
     */
    public void ensure(Collection<String> topics) {
        if (!config.createMissingTopics()) {
            return;
        }
        try (Admin admin = clients.admin()) {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(topic -> !existing.contains(topic))
                    .map(Topics::spec)
                    // Partition count and replication come from the broker defaults: the cluster owner's call.
                    .map(spec -> new NewTopic(spec.name(), Optional.empty(), Optional.empty()).configs(spec.configs()))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(10, TimeUnit.SECONDS);
                    LOG.infof("Created missing topic %s %s", entry.getKey(), Topics.spec(entry.getKey()).configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warnf("Could not create topic %s: %s", entry.getKey(), e.getCause().toString());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warnf("Could not check the topics %s: %s", topics, e.toString());
        }
    }
}
