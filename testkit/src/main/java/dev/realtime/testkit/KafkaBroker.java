package dev.realtime.testkit;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

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
            broker = new EmbeddedKafkaBroker()
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
}
