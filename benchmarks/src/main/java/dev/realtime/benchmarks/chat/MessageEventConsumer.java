package dev.realtime.benchmarks.chat;

import dev.realtime.benchmarks.FirstArrivals;
import dev.realtime.benchmarks.TopicTail;
import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads every partition of {@code chat.events} from its end ({@link TopicTail}), positioned before any post. It decodes
 * each record with {@link CloudEventCodec} as the edge does and notes, per {@code messageId} of each
 * {@code chat.message.new.v1}, the {@link System#nanoTime()} at which the poll that returned it came back.
 */
final class MessageEventConsumer implements AutoCloseable {
    private final FirstArrivals arrivals = new FirstArrivals();
    /** Client message ids of every post seen on the topic: tells whether a post that got no answer was stored. */
    private final java.util.Set<String> clientMessageIds = ConcurrentHashMap.newKeySet();
    /** Where each message was first seen (partition:offset), to say where its copies came from. */
    private final Map<String, String> firstSeenAt = new ConcurrentHashMap<>();
    /** The first copies seen: message id, seq, where it was first seen and where again. */
    private final java.util.Queue<String> duplicateSamples = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final TopicTail tail;

    MessageEventConsumer(String bootstrapServers) {
        tail = new TopicTail("chat-bench-consumer", bootstrapServers, Topics.CHAT_EVENTS, Duration.ofMillis(100),
                Map.of(), this::onRecord);
    }

    private void onRecord(ConsumerRecord<String, byte[]> record, long polledAt) {
        IntegrationEvent event = CloudEventCodec.fromRecord(record);
        if (!ChatEventTypes.MESSAGE_NEW.ceType().equals(event.type())) {
            return;
        }
        MessageNew message = event.dataAs(MessageNew.class);
        String messageId = message.messageId();
        if (message.clientMessageId() != null) {
            clientMessageIds.add(message.clientMessageId());
        }
        String at = record.partition() + ":" + record.offset();
        if (arrivals.note(messageId, polledAt)) {
            firstSeenAt.put(messageId, at);
        } else if (duplicateSamples.size() < 10) {
            duplicateSamples.add(messageId + " " + event.room() + " seq " + event.seq()
                    + " first at " + firstSeenAt.get(messageId) + ", again at " + at);
        }
    }

    boolean sawClientMessage(String clientMessageId) {
        return clientMessageIds.contains(clientMessageId);
    }

    Long arrival(String messageId) {
        return arrivals.arrival(messageId);
    }

    /** Waits until every id has arrived; returns how many are still missing after the timeout. */
    int awaitAll(Collection<String> messageIds, Duration timeout) throws InterruptedException {
        return arrivals.awaitAll(messageIds, timeout, Duration.ofMillis(50));
    }

    long duplicates() {
        return arrivals.duplicates();
    }

    /** A few of the copies, for the report. */
    List<String> duplicateSamples() {
        return List.copyOf(duplicateSamples);
    }

    long undecodable() {
        return tail.undecodable();
    }

    @Override
    public void close() throws InterruptedException {
        tail.close();
    }
}
