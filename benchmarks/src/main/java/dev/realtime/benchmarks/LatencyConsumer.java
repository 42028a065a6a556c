package dev.realtime.benchmarks;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A plain Kafka consumer on its own thread, reading every partition of the topic from its end (assigned,
 * no group, so no rebalance delay). It decodes each record as the services do and notes, per
 * {@code stream#version}, the {@link System#nanoTime()} at which the poll that returned it came back.
 */
final class LatencyConsumer implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    /** Producer timestamps (record CreateTime, wall clock ms) of the first copies. */
    private final Map<String, Long> sent = new ConcurrentHashMap<>();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder undecodable = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;

    LatencyConsumer(String bootstrapServers, String topic, int partitions) {
        createTopic(bootstrapServers, topic, partitions);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // The relay publishes in transactions: only committed batches count.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-latency-consumer");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> assigned = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        assigned.forEach(partition -> consumer.position(partition, Duration.ofSeconds(30)));
        thread = new Thread(this::poll, "bench-latency-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    static void createTopic(String bootstrapServers, String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void poll() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    IntegrationEvent event;
                    try {
                        event = CloudEventCodec.fromRecord(record);
                    } catch (RuntimeException e) {
                        undecodable.increment();
                        continue;
                    }
                    String key = event.room().name() + "#" + event.seq();
                    if (arrivals.putIfAbsent(key, now) != null) {
                        duplicates.increment();
                    } else {
                        sent.put(key, record.timestamp());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    Long sentMillis(String key) {
        return sent.get(key);
    }

    Long arrival(String key) {
        return arrivals.get(key);
    }

    /** Waits until every key has arrived; false on timeout. */
    boolean awaitAll(Collection<String> keys, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (arrivals.keySet().containsAll(keys)) {
                return true;
            }
            Thread.sleep(20);
        }
        return arrivals.keySet().containsAll(keys);
    }

    long duplicates() {
        return duplicates.sum();
    }

    long undecodable() {
        return undecodable.sum();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
