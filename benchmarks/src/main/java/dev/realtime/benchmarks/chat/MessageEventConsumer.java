package dev.realtime.benchmarks.chat;

import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
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
 * A plain Kafka consumer on its own thread in the harness JVM, assigned every partition of {@code chat.events} (no
 * group) and positioned at the end before any post. It decodes each record with {@link CloudEventCodec} as the
 * edge does and notes, per {@code messageId} of each {@code chat.message.new.v1}, the {@link System#nanoTime()} at
 * which the poll that returned it came back.
 */
final class MessageEventConsumer implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    /** Client message ids of every post seen on the topic: tells whether a post that got no answer was stored. */
    private final java.util.Set<String> clientMessageIds = ConcurrentHashMap.newKeySet();
    private final LongAdder duplicates = new LongAdder();
    /** Where each message was first seen (partition:offset), to say where its copies came from. */
    private final Map<String, String> firstSeenAt = new ConcurrentHashMap<>();
    /** The first copies seen: message id, seq, where it was first seen and where again. */
    private final java.util.Queue<String> duplicateSamples = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final LongAdder undecodable = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;

    MessageEventConsumer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // The relay publishes in transactions: only committed batches count.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "chat-bench-consumer");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> assigned = consumer.partitionsFor(Topics.CHAT_EVENTS, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(Topics.CHAT_EVENTS, info.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        // Resolve the end offsets now, not at the first poll (which could come after the first records).
        assigned.forEach(partition -> consumer.position(partition, Duration.ofSeconds(30)));
        thread = new Thread(this::poll, "chat-bench-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    try {
                        IntegrationEvent event = CloudEventCodec.fromRecord(record);
                        if (!ChatEventTypes.MESSAGE_NEW.ceType().equals(event.type())) {
                            continue;
                        }
                        MessageNew message = event.dataAs(MessageNew.class);
                        String messageId = message.messageId();
                        if (message.clientMessageId() != null) {
                            clientMessageIds.add(message.clientMessageId());
                        }
                        String at = record.partition() + ":" + record.offset();
                        if (arrivals.putIfAbsent(messageId, now) != null) {
                            duplicates.increment();
                            if (duplicateSamples.size() < 10) {
                                duplicateSamples.add(messageId + " " + event.room() + " seq " + event.seq()
                                        + " first at " + firstSeenAt.get(messageId) + ", again at " + at);
                            }
                        } else {
                            firstSeenAt.put(messageId, at);
                        }
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

    boolean sawClientMessage(String clientMessageId) {
        return clientMessageIds.contains(clientMessageId);
    }

    Long arrival(String messageId) {
        return arrivals.get(messageId);
    }

    /** Waits until every id has arrived; returns how many are still missing after the timeout. */
    int awaitAll(Collection<String> messageIds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int missing = 0;
            for (String id : messageIds) {
                if (!arrivals.containsKey(id)) {
                    missing++;
                }
            }
            if (missing == 0 || System.nanoTime() > deadline) {
                return missing;
            }
            Thread.sleep(50);
        }
    }

    long duplicates() {
        return duplicates.sum();
    }

    /** A few of the copies, for the report. */
    List<String> duplicateSamples() {
        return List.copyOf(duplicateSamples);
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
