package dev.realtime.notification.messaging;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.rooms.InvalidRoomException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * One consumer of a consumer group on its own thread: polls, hands each record to the handler in partition
 * order, and commits a batch's offsets once every record of it is handled, so a crash redelivers (the handlers
 * are idempotent) and loses nothing. A plain consumer rather than {@code @Incoming}: the handlers block on the
 * fan-out on purpose (bounded concurrency, commit after the last append), and this keeps that explicit.
 *
 * <p>A record that is not a valid CloudEvent, or whose data breaks the contract, is logged once and skipped. A
 * failure of the database is retried with backoff, then logged and skipped so one record never stops a topic.
 */
final class TopicConsumer implements Runnable {
    private static final Logger LOG = Logger.getLogger(TopicConsumer.class);
    private static final int ATTEMPTS = 6;

    interface Handler {
        void handle(IntegrationEvent event) throws Exception;
    }

    private final String topic;
    private final Handler handler;
    private final Properties properties;
    private final AtomicLong lag;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    TopicConsumer(String bootstrapServers, String groupId, String topic, Handler handler, AtomicLong lag) {
        this.topic = topic;
        this.handler = handler;
        this.lag = lag;
        properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        // A new group reads the topic's history: the conversation copy needs every creation and membership.
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // The relays publish each batch as a Kafka transaction: only committed batches are read.
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        properties.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "600000");
    }

    @Override
    public void run() {
        // A consumer that fails (broker trouble beyond the client's own retries) is closed and made again, so the
        // topic is never left without one; uncommitted records come again and the handlers are idempotent.
        long backoff = 500;
        while (running) {
            try {
                consume();
                return;
            } catch (WakeupException e) {
                if (!running) {
                    return;
                }
                LOG.errorf(e, "consumer of %s woke up unexpectedly; starting again", topic);
            } catch (RuntimeException e) {
                LOG.errorf("consumer of %s failed, starting again in %d ms: %s", topic, backoff, e.toString());
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(backoff * 2, 10_000);
        }
    }

    private void consume() {
        try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = kafka;
            kafka.subscribe(List.of(topic));
            while (running) {
                ConsumerRecords<String, byte[]> records = kafka.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> record : records) {
                    if (!running) {
                        return;
                    }
                    handle(record);
                }
                if (!records.isEmpty()) {
                    commit(kafka);
                }
                updateLag(kafka);
            }
        }
    }

    private void commit(KafkaConsumer<String, byte[]> kafka) {
        try {
            kafka.commitSync();
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // The group rebalanced while the batch was handled: its partitions' next owner gets these records
            // again, and the idempotent handlers store nothing twice.
            LOG.debugf("commit of %s skipped after a rebalance: %s", topic, e.getMessage());
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        IntegrationEvent event;
        try {
            event = CloudEventCodec.fromRecord(record);
        } catch (InvalidEventException | InvalidRoomException e) {
            LOG.warnf("skipped record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        long backoff = 200;
        for (int attempt = 1; running; attempt++) {
            try {
                handler.handle(event);
                return;
            } catch (SkipRecord | InvalidEventException | InvalidRoomException e) {
                LOG.warnf("skipped event %s (%s) from %s-%d@%d: %s", event.id(), event.type(), record.topic(),
                        record.partition(), record.offset(), e.getMessage());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (attempt >= ATTEMPTS) {
                    LOG.errorf(e, "gave up on event %s (%s) from %s-%d@%d after %d attempts", event.id(), event.type(),
                            record.topic(), record.partition(), record.offset(), attempt);
                    return;
                }
                LOG.debugf(e, "event %s failed (attempt %d), retrying", event.id(), attempt);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    private void updateLag(KafkaConsumer<String, byte[]> kafka) {
        long total = 0;
        for (TopicPartition partition : kafka.assignment()) {
            OptionalLong partitionLag = kafka.currentLag(partition);
            if (partitionLag.isPresent()) {
                total += partitionLag.getAsLong();
            }
        }
        lag.set(total);
    }

    void stop() {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }
}
