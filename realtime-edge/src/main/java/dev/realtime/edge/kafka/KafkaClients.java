package dev.realtime.edge.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Builds the edge's Kafka clients from every {@code kafka.*} property (so a deployment can add TLS or SASL
 * settings without code changes), with the settings the edge's reading model depends on forced on top.
 */
@ApplicationScoped
public class KafkaClients {
    /** Tells this instance's clients apart in broker logs and quotas; edge instances share nothing else. */
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    public String instanceId() {
        return instanceId;
    }

    public Properties baseProperties() {
        return baseProperties(kafkaConfig);
    }

    public static Properties baseProperties(Map<String, Object> kafkaConfig) {
        Properties props = new Properties();
        kafkaConfig.forEach((key, value) -> {
            if (value != null) {
                props.put(key, value.toString());
            }
        });
        return props;
    }

    /**
     * A consumer that is in no group at all: each edge instance must see every record of every partition, and
     * a group (even a unique one) would only add a coordinator, rebalances and committed offsets that nobody
     * reads.
     */
    public KafkaConsumer<String, byte[]> consumer(String purpose, String resetPolicy) {
        return consumer(baseProperties(), "realtime-edge-" + purpose + "-" + instanceId, resetPolicy);
    }

    public static KafkaConsumer<String, byte[]> consumer(Properties base, String clientId, String resetPolicy) {
        Properties props = new Properties();
        props.putAll(base);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, resetPolicy);
        // Aborted transactions of a producer must never reach a browser.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Topic creation is explicit (TopicProvisioner); a metadata lookup must not create a mis-configured topic.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A plain producer for the edge's own signals: no transactions, small batches, latency over throughput. */
    public KafkaProducer<String, byte[]> producer(String purpose) {
        Properties props = new Properties();
        baseProperties().forEach((key, value) -> {
            if (ProducerConfig.configNames().contains(key.toString())) {
                props.put(key, value);
            }
        });
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "realtime-edge-" + purpose + "-" + instanceId);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // Signals are soon stale: one attempt's worth of waiting, never minutes of retries.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public Admin admin() {
        Properties props = new Properties();
        baseProperties().forEach((key, value) -> {
            // The admin client warns about every consumer/producer setting it does not know; pass only its own.
            if (AdminClientConfig.configNames().contains(key.toString())) {
                props.put(key, value);
            }
        });
        props.put("client.id", "realtime-edge-admin-" + instanceId);
        return Admin.create(props);
    }
}
