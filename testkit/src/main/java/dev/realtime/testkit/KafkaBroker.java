package dev.realtime.testkit;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * One real Apache Kafka broker (KRaft, in-process) per test JVM, shared by every test resource and helper
 * that needs it, and stopped when the JVM exits.
 */
public final class KafkaBroker {
    public static final int PARTITIONS = 3;
    private static EmbeddedKafkaBroker broker;

    private KafkaBroker() {
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            int[] ports = FreePorts.distinct(2);
            broker = new EmbeddedKafkaBroker()
                    .withKafkaPort(ports[0])
                    .withControllerPort(ports[1])
                    .withDeleteLogDirsOnClose(true)
                    .withAdditionalProperties(props -> {
                        props.put("num.partitions", String.valueOf(PARTITIONS));
                        props.put("auto.create.topics.enable", "true");
                        props.put("group.initial.rebalance.delay.ms", "0");
                    })
                    .start();
            EmbeddedKafkaBroker started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "kafka-broker-stop"));
        }
        return broker.getAdvertisedListeners();
    }

    /** The running broker, for tests that stop it to see what an outage does. */
    public static synchronized EmbeddedKafkaBroker broker() {
        bootstrapServers();
        return broker;
    }

    /**
     * Deletes {@code topic} and creates it again, empty, with {@code configs}: what a new or emptied cluster looks
     * like to a producer. Waits until the deletion is complete (a create fails while it is not).
     */
    public static void recreateTopic(String topic, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            if (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                admin.deleteTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, Optional.of(PARTITIONS), Optional.empty())
                            .configs(configs))).all().get(10, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }
}
