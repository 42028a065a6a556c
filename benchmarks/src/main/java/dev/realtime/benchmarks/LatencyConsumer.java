package dev.realtime.benchmarks;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Reads every partition of the topic from its end ({@link TopicTail}). It decodes each record as the services do and
 * notes, per {@code stream#version}, the {@link System#nanoTime()} at which the poll that returned it came back.
 */
final class LatencyConsumer implements AutoCloseable {
    private final FirstArrivals arrivals = new FirstArrivals();
    /** Producer timestamps (record CreateTime, wall clock ms) of the first copies. */
    private final Map<String, Long> sent = new ConcurrentHashMap<>();
    private final TopicTail tail;

    LatencyConsumer(String bootstrapServers, String topic, int partitions) {
        createTopic(bootstrapServers, topic, partitions);
        tail = new TopicTail("bench-latency-consumer", bootstrapServers, topic, Duration.ofMillis(100), Map.of(),
                this::onRecord);
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

    private void onRecord(ConsumerRecord<String, byte[]> record, long polledAt) {
        IntegrationEvent event = CloudEventCodec.fromRecord(record);
        String key = event.room().name() + "#" + event.seq();
        if (arrivals.note(key, polledAt)) {
            sent.put(key, record.timestamp());
        }
    }

    Long sentMillis(String key) {
        return sent.get(key);
    }

    Long arrival(String key) {
        return arrivals.arrival(key);
    }

    /** Waits until every key has arrived; false on timeout. */
    boolean awaitAll(Collection<String> keys, Duration timeout) throws InterruptedException {
        return arrivals.awaitAll(keys, timeout, Duration.ofMillis(20)) == 0;
    }

    long duplicates() {
        return arrivals.duplicates();
    }

    long undecodable() {
        return tail.undecodable();
    }

    @Override
    public void close() throws InterruptedException {
        tail.close();
    }
}
