package dev.realtime.edge.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where a reader starts, against a real broker: a (re)started edge reads the event topics from the end, so no
 * event written before it started is delivered as a live one, and a later lookup of new topics or partitions never
 * moves the partitions already being read.
 */
class AllPartitionsReaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);

    private Admin admin;
    private KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void connect() {
        admin = Admin.create(Map.of("bootstrap.servers", KafkaBroker.bootstrapServers()));
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", KafkaBroker.bootstrapServers(), "acks", "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void close() {
        producer.close();
        admin.close();
    }

    @Test
    void aReaderStartingAtTheEndReadsNothingWrittenBeforeItAndLaterLookupsMoveNoPartition() throws Exception {
        String first = topic(3);
        String second = "test.reader.second." + UUID.randomUUID();
        for (int partition = 0; partition < 3; partition++) {
            for (int i = 0; i < 5; i++) {
                write(first, partition, "old");
            }
        }
        try (AllPartitionsReader reader = reader(List.of(first, second), AllPartitionsReader.Start.END)) {
            assertEquals(3, reader.refresh(TIMEOUT).size());
            for (int partition = 0; partition < 3; partition++) {
                write(first, partition, "new-1");
            }
            assertEquals(List.of("new-1", "new-1", "new-1"), readUntil(reader, 3));

            // Unread records wait in partition 0 while a new topic and a new partition appear.
            write(first, 0, "new-2");
            createTopic(second, 2);
            write(second, 0, "before-first-sight");
            admin.createPartitions(Map.of(first, NewPartitions.increaseTo(4))).all().get(30, TimeUnit.SECONDS);
            write(first, 3, "in-new-partition");
            assertEquals(2, reader.refresh(TIMEOUT).size(), "the new topic's partitions start at the end");
            write(second, 1, "new-3");

            List<String> read = readUntil(reader, 3);
            // A partition found later holds only records written after the reader started reading its topic.
            assertEquals(Set.of("new-2", "in-new-partition", "new-3"), new HashSet<>(read), "read " + read);
        }
    }

    @Test
    void aReaderStartingRecentlyReadsTheRecentRecordsOfEveryPartitionAndNothingOlder() throws Exception {
        String topic = topic(3);
        long twoHoursAgo = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
        for (int partition = 0; partition < 3; partition++) {
            producer.send(new ProducerRecord<>(topic, partition, twoHoursAgo, "k",
                    "old".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            write(topic, partition, "recent");
        }
        try (AllPartitionsReader reader = reader(List.of(topic), AllPartitionsReader.Start.RECENT)
                .lookBack(Duration.ofHours(1))) {
            reader.refresh(TIMEOUT);
            assertEquals(List.of("recent", "recent", "recent"), readUntil(reader, 3));
        }
    }

    private AllPartitionsReader reader(Collection<String> topics, AllPartitionsReader.Start start) {
        Properties base = new Properties();
        base.put("bootstrap.servers", KafkaBroker.bootstrapServers());
        return new AllPartitionsReader(KafkaClients.consumer(base, "test-reader-" + UUID.randomUUID(), "latest"),
                topics, start);
    }

    private String topic(int partitions) throws Exception {
        String topic = "test.reader." + UUID.randomUUID();
        createTopic(topic, partitions);
        return topic;
    }

    private void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
                .all().get(30, TimeUnit.SECONDS);
    }

    private void write(String topic, int partition, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, "k", value.getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
    }

    /** Polls until {@code count} records arrived, then once more: anything beyond them is a record read twice. */
    private static List<String> readUntil(AllPartitionsReader reader, int count) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (values.size() < count) {
            assertTrue(System.nanoTime() < deadline, "only read " + values);
            poll(reader, values);
        }
        poll(reader, values);
        return values;
    }

    private static void poll(AllPartitionsReader reader, List<String> values) {
        for (ConsumerRecord<String, byte[]> record : reader.poll(POLL)) {
            values.add(new String(record.value(), StandardCharsets.UTF_8));
        }
    }
}
