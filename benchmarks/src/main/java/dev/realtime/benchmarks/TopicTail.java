package dev.realtime.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A plain Kafka consumer on its own daemon thread that reads every partition of one topic from its end: what the
 * harnesses time the arrival of records with. Assigned, no group, so there is no rebalance delay; positioned at the
 * end before the constructor returns, so only records produced afterwards are seen; {@code read_committed}, because
 * the relay publishes in transactions and only committed batches count.
 * <p>
 * Each record goes to the handler with the {@link System#nanoTime()} at which the poll that returned it came back, on
 * the consumer's thread. A record the handler cannot read (it throws) is counted as {@link #undecodable()} and skipped:
 * one bad record must not end the measurement of all the others.
 */
public final class TopicTail implements AutoCloseable {

    /** Receives each record and when its poll came back ({@link System#nanoTime()}); called on the consumer thread. */
    @FunctionalInterface
    public interface RecordHandler {
        void onRecord(ConsumerRecord<String, byte[]> record, long polledAtNanos);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Duration pollTimeout;
    private final RecordHandler handler;
    private final LongAdder undecodable = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts reading; create it last in the owner's constructor, as the handler may run as soon as it returns.
     *
     * @param name        the consumer's client id and its thread's name
     * @param pollTimeout how long one poll may wait for records
     * @param extraConfig consumer settings beyond the common ones (none: {@code Map.of()})
     */
    public TopicTail(String name, String bootstrapServers, String topic, Duration pollTimeout,
            Map<String, Object> extraConfig, RecordHandler handler) {
        this.pollTimeout = pollTimeout;
        this.handler = handler;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        props.putAll(extraConfig);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> assigned = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        // Resolve the end offsets now, not at the first poll (which could come after the first records).
        assigned.forEach(partition -> consumer.position(partition, Duration.ofSeconds(30)));
        thread = new Thread(this::poll, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    try {
                        handler.onRecord(record, now);
                    } catch (RuntimeException e) {
                        undecodable.increment();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Records the handler could not read. */
    public long undecodable() {
        return undecodable.sum();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
