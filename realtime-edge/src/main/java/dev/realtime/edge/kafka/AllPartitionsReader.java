package dev.realtime.edge.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of a set of topics with {@code assign()}, and picks up partitions and topics that appear
 * later. Not thread-safe: one thread owns it, like the consumer inside.
 *
 * <p>Where a partition starts: the partitions found by the first lookup that sees a topic start where the caller
 * asks ({@link Start}); partitions found afterwards start at the beginning, because every record in them was
 * written after this instance started reading their topic.
 */
public final class AllPartitionsReader implements AutoCloseable {
    /** Where partitions found by the first lookup start; RECENT = the first offset younger than the look-back. */
    public enum Start { BEGINNING, END, RECENT }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final Start initialStart;
    private Duration lookBack = Duration.ZERO;
    private final Set<String> seenTopics = new HashSet<>();
    private final Set<TopicPartition> assigned = new HashSet<>();

    public AllPartitionsReader(KafkaConsumer<String, byte[]> consumer, Collection<String> topics, Start initialStart) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.initialStart = initialStart;
    }

    /** For {@link Start#RECENT}: how far back from now reading starts. */
    public AllPartitionsReader lookBack(Duration lookBack) {
        this.lookBack = lookBack;
        return this;
    }

    /**
     * Looks up the current partitions and assigns those not yet assigned, fixing their start position before it
     * returns (seeks are lazy in Kafka; asking for the position forces it, so "assigned" really means "reading
     * from a known offset").
     *
     * @return the partitions newly assigned from the first lookup of their topic (start = {@code initialStart})
     */
    public Set<TopicPartition> refresh(Duration timeout) {
        Map<String, List<PartitionInfo>> metadata = consumer.listTopics(timeout);
        Set<TopicPartition> initial = new HashSet<>();
        Set<TopicPartition> later = new HashSet<>();
        for (String topic : topics) {
            List<PartitionInfo> partitions = metadata.get(topic);
            if (partitions == null || partitions.isEmpty()) {
                continue;
            }
            boolean firstSight = seenTopics.add(topic);
            for (PartitionInfo info : partitions) {
                TopicPartition partition = new TopicPartition(topic, info.partition());
                if (!assigned.contains(partition)) {
                    (firstSight ? initial : later).add(partition);
                }
            }
        }
        if (initial.isEmpty() && later.isEmpty()) {
            return Set.of();
        }
        Set<TopicPartition> all = new HashSet<>(assigned);
        all.addAll(initial);
        all.addAll(later);
        consumer.assign(all);
        // Kafka's seekToBeginning/seekToEnd with an EMPTY collection seek EVERY assigned partition: each seek must
        // be skipped when it has nothing to seek, or a refresh moves partitions that are already being read (a
        // restarted edge re-read every event topic from the beginning and delivered old events as live ones).
        if (!initial.isEmpty()) {
            if (initialStart == Start.END) {
                consumer.seekToEnd(initial);
            } else if (initialStart == Start.RECENT) {
                seekToRecent(initial, timeout);
            } else {
                consumer.seekToBeginning(initial);
            }
        }
        if (!later.isEmpty()) {
            consumer.seekToBeginning(later);
        }
        for (TopicPartition partition : initial) {
            consumer.position(partition, timeout);
        }
        for (TopicPartition partition : later) {
            consumer.position(partition, timeout);
        }
        assigned.addAll(initial);
        assigned.addAll(later);
        return initial;
    }

    private void seekToRecent(Set<TopicPartition> partitions, Duration timeout) {
        long since = System.currentTimeMillis() - lookBack.toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, since));
        Set<TopicPartition> nothingRecent = new HashSet<>();
        consumer.offsetsForTimes(query, timeout).forEach((partition, found) -> {
            if (found == null) {
                nothingRecent.add(partition);
            } else {
                consumer.seek(partition, found.offset());
            }
        });
        if (!nothingRecent.isEmpty()) {
            consumer.seekToEnd(nothingRecent);
        }
    }

    public Set<String> missingTopics() {
        Set<String> missing = new TreeSet<>(topics);
        missing.removeAll(seenTopics);
        return missing;
    }

    public Set<TopicPartition> assigned() {
        return Set.copyOf(assigned);
    }

    /** Records behind the end, from the last fetch (no network call); partitions not fetched yet count 0. */
    public long lag() {
        long lag = 0;
        for (TopicPartition partition : assigned) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        return lag;
    }

    public ConsumerRecords<String, byte[]> poll(Duration timeout) {
        return consumer.poll(timeout);
    }

    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return consumer.endOffsets(partitions, timeout);
    }

    /** Positions of the given assigned partitions, without network calls once they are fixed. */
    public Map<TopicPartition, Long> positions(Collection<TopicPartition> partitions, Duration timeout) {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition partition : new ArrayList<>(partitions)) {
            positions.put(partition, consumer.position(partition, timeout));
        }
        return positions;
    }

    /** The only method another thread may call: makes a blocked poll throw WakeupException. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
}
