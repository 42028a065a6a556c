package dev.realtime.edge.memberships;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.kafka.AllPartitionsReader;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Replays the compacted membership topic into the {@link MembershipIndex} and keeps following it. "Caught up"
 * means every partition found at start-up has been read to the end offset it had when it was found: from then
 * on the index is at least as fresh as the edge's start, which is what readiness promises.
 *
 * <p>Driven one {@link #step} at a time by a single thread, so a test can observe the state between steps.
 */
public final class MembershipFollower implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MembershipFollower.class);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    /** How often a running edge looks for partitions added to the topic. */
    private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);

    private final AllPartitionsReader reader;
    private final MembershipIndex index;
    private final BiConsumer<Room, String> onRevoked;
    private final BiConsumer<Room, String> onGranted;
    private final Runnable onInvalid;
    private final AtomicLong invalid = new AtomicLong();

    private Map<TopicPartition, Long> startupEndOffsets;
    private long lastRefresh;
    private volatile boolean caughtUp;
    private volatile long behind = -1;
    private volatile Set<String> missingTopics;

    public MembershipFollower(AllPartitionsReader reader, MembershipIndex index, BiConsumer<Room, String> onRevoked,
            Runnable onInvalid) {
        this(reader, index, (room, user) -> { }, onRevoked, onInvalid);
    }

    public MembershipFollower(AllPartitionsReader reader, MembershipIndex index, BiConsumer<Room, String> onGranted,
            BiConsumer<Room, String> onRevoked, Runnable onInvalid) {
        this.reader = reader;
        this.index = index;
        this.onGranted = onGranted;
        this.onRevoked = onRevoked;
        this.onInvalid = onInvalid;
        this.missingTopics = reader.missingTopics();
    }

    public record Status(boolean caughtUp, long behind, Set<String> missingTopics, long invalidRecords) {
    }

    public Status status() {
        return new Status(caughtUp, behind, missingTopics, invalid.get());
    }

    /** Looks for (new) partitions when due, reads one batch and updates the catch-up state. */
    public void step(Duration pollTimeout) throws InterruptedException {
        if (!missingTopics.isEmpty() || System.nanoTime() - lastRefresh > REFRESH_INTERVAL.toNanos()) {
            Set<TopicPartition> initial = reader.refresh(METADATA_TIMEOUT);
            lastRefresh = System.nanoTime();
            missingTopics = reader.missingTopics();
            if (startupEndOffsets == null && !initial.isEmpty()) {
                startupEndOffsets = reader.endOffsets(initial, METADATA_TIMEOUT);
            }
        }
        if (reader.assigned().isEmpty()) {
            Thread.sleep(pollTimeout.toMillis());
            return;
        }
        for (ConsumerRecord<String, byte[]> record : reader.poll(pollTimeout)) {
            apply(record);
        }
        if (!caughtUp && startupEndOffsets != null) {
            updateCatchUp();
        }
    }

    private void updateCatchUp() {
        Map<TopicPartition, Long> positions = reader.positions(startupEndOffsets.keySet(), METADATA_TIMEOUT);
        long remaining = 0;
        for (var end : startupEndOffsets.entrySet()) {
            remaining += Math.max(0, end.getValue() - positions.get(end.getKey()));
        }
        behind = remaining;
        if (remaining == 0) {
            caughtUp = true;
            LOG.infof("Membership index loaded: %d memberships", index.size());
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        Membership key;
        try {
            key = Membership.fromKey(record.key(), null);
        } catch (RuntimeException e) {
            invalid(record, e.getMessage());
            return;
        }
        if (record.value() == null) {
            revoke(key);
            return;
        }
        try {
            IntegrationEvent event = CloudEventCodec.fromRecord(record);
            if (!Membership.GRANTED.ceType().equals(event.type())) {
                throw new InvalidEventException("type is not " + Membership.GRANTED.ceType());
            }
            Membership.Value value = event.dataAs(Membership.Value.class);
            if ((value.room() != null && !value.room().equals(key.room().name()))
                    || (value.user() != null && !value.user().equals(key.userId()))) {
                throw new InvalidEventException("data does not match the record key");
            }
            if (index.grant(key.room(), key.userId(), value.role())) {
                onGranted.accept(key.room(), key.userId());
            }
        } catch (RuntimeException e) {
            invalid(record, e.getMessage());
            // The latest record of a key is what compaction keeps, so it is the membership: an unreadable grant is
            // no grant, now and after the next restart alike.
            revoke(key);
        }
    }

    private void revoke(Membership key) {
        if (index.revoke(key.room(), key.userId())) {
            onRevoked.accept(key.room(), key.userId());
        }
    }

    private void invalid(ConsumerRecord<String, byte[]> record, String reason) {
        onInvalid.run();
        // Once at WARN so an operator notices a misbehaving producer; the counter tells how many followed.
        if (invalid.getAndIncrement() == 0) {
            LOG.warnf("Skipped an invalid membership record at %s-%d@%d (%s); further ones are only counted",
                    record.topic(), record.partition(), record.offset(), reason);
        } else {
            LOG.debugf("Skipped an invalid membership record at %s-%d@%d (%s)",
                    record.topic(), record.partition(), record.offset(), reason);
        }
    }

    public void wakeup() {
        reader.wakeup();
    }

    @Override
    public void close() {
        reader.close();
    }
}
