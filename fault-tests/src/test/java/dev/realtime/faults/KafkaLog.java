package dev.realtime.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads an event topic from its beginning, as a downstream consumer that only wants committed data does
 * ({@code isolation.level=read_committed}), on its own thread, and keeps each record's CloudEvent attributes in
 * partition order. Survives the broker's death and pauses (the consumer reconnects by itself).
 */
final class KafkaLog implements AutoCloseable {

    record Entry(int partition, long offset, String room, long seq, String id, String type) {
    }

    final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;

    KafkaLog(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "fault-tests-" + topic + "-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        thread = new Thread(() -> run(config, topic), "kafka-log-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Map<String, Object> config, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(60))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stopped) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
                    String seq = header(record, "ce_seq");
                    entries.add(new Entry(record.partition(), record.offset(), header(record, "ce_room"),
                            seq == null ? -1 : Long.parseLong(seq), header(record, "ce_id"),
                            header(record, "ce_type")));
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // closing
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The records of one room in the order Kafka holds them (one room = one key = one partition). */
    List<Entry> room(String room) {
        return entries.stream().filter(e -> room.equals(e.room())).toList();
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
