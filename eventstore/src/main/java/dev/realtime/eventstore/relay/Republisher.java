package dev.realtime.eventstore.relay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Re-publishes the current state of each {@link StateSnapshot} when its topic lost what was published (a new Kafka
 * cluster, a recreated topic, a partition that ends below what was recorded) or when an operator asked for it.
 *
 * <p>It runs on the relay's thread, between two batches, through the relay's producer, and waits for every
 * acknowledgement before the relay sends its next batch. That is what keeps a re-publish from resurrecting a removed
 * membership: the state is read in one snapshot; every change committed before it is in it (and the relay's later
 * copy of that change repeats what the snapshot already says, in the stream's order); every change committed after
 * it is published by the relay after the re-published records, so it lands later on the key's partition and wins
 * compaction. A key of this owner that the topic still holds but the snapshot lacks gets a tombstone.
 *
 * <p>"Lost what was published" is decided from a marker per snapshot (table {@code es_republish}): the Kafka cluster
 * id, the topic id (a new one when the topic is deleted and created again) and the partitions' end offsets right
 * after the last re-publish. End offsets never go down on a healthy topic, compacted or not.
 */
public final class Republisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Republisher.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private static final String LOAD = """
            select cluster_id, topic_id, end_offsets, requested, done from es_republish where relay = ? and snapshot = ?
            """;
    private static final String SAVE = """
            insert into es_republish (relay, snapshot, cluster_id, topic_id, end_offsets, records, tombstones, reason,
                                      republished_at, done)
            values (?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp(), ?)
            on conflict (relay, snapshot) do update set cluster_id = excluded.cluster_id, topic_id = excluded.topic_id,
                end_offsets = excluded.end_offsets, records = excluded.records, tombstones = excluded.tombstones,
                reason = excluded.reason, republished_at = excluded.republished_at,
                done = greatest(es_republish.done, excluded.done)
            """;

    /**
     * @param requestInterval how often pending operator requests are looked for (one small query)
     * @param topicInterval how often the topics are compared with their markers while leading; they always are when
     *        the relay takes the lead (start-up, and every recovery after a failure). Zero: only then.
     * @param checkTopics false: re-publish only on request
     */
    public record Settings(String relay, Duration requestInterval, Duration topicInterval, boolean checkTopics) {
    }

    /** What the topic looks like now; {@code topicId} is null when it does not exist. */
    record TopicState(String clusterId, String topicId, Map<Integer, Long> endOffsets) {
    }

    record Marker(String clusterId, String topicId, Map<Integer, Long> endOffsets, long requested, long done) {
        static final Marker NONE = new Marker(null, null, Map.of(), 0, 0);
    }

    /** Told about each finished re-publish (metrics). */
    public interface Listener {
        void republished(String snapshot, long records, long tombstones);
    }

    private final Settings settings;
    private final List<StateSnapshot> snapshots;
    private final Map<String, Object> kafkaProperties;
    private final Listener listener;
    private Admin admin;
    /** How long a failed re-publish waits before the next try; taking the lead again does not shorten it. */
    static final java.time.Duration RETRY_AFTER_FAILURE = java.time.Duration.ofMinutes(1);
    private long failedUntil = System.nanoTime();
    private long nextRequestCheck;
    private long nextTopicCheck;

    /**
     * @param kafkaProperties the connection settings every Kafka client needs (bootstrap servers, security); used for
     *        the admin client and the consumer that reads the topic's current keys
     */
    public Republisher(Settings settings, List<StateSnapshot> snapshots, Map<String, Object> kafkaProperties,
            Listener listener) {
        this.settings = settings;
        this.snapshots = List.copyOf(snapshots);
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.listener = listener;
    }

    /** The relay took the lead: compare every topic with its marker before the first batch. */
    void lead() {
        long now = System.nanoTime();
        nextRequestCheck = now;
        nextTopicCheck = now;
    }

    /**
     * Between two batches of the relay: re-publishes what is due, else returns at once. A re-publish that fails does
     * not stop the relay: its Kafka transaction is aborted, the failure logged, and it is tried again after
     * {@link #RETRY_AFTER_FAILURE} (a snapshot row the room grammar refuses, missing Kafka permissions or a timeout
     * would otherwise hold every event back). Only a broken database connection is passed on, for the relay to
     * reconnect.
     */
    void runDue(Connection connection, Producer<String, byte[]> producer) throws Exception {
        if (System.nanoTime() - failedUntil < 0) {
            return;
        }
        try {
            runDueNow(connection, producer);
        } catch (Exception failure) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException notInATransaction) {
                // None open (the failure came before it began), or the producer is unusable: the relay's next
                // beginTransaction fails then, and a new producer's initTransactions aborts what is left.
            }
            if (!connection.isValid(2)) {
                throw failure;
            }
            failedUntil = System.nanoTime() + RETRY_AFTER_FAILURE.toNanos();
            LOG.warnf("Re-publishing derived state failed (%s: %s); events keep flowing, next try in %s",
                    failure.getClass().getSimpleName(), failure.getMessage(), RETRY_AFTER_FAILURE);
        }
    }

    private void runDueNow(Connection connection, Producer<String, byte[]> producer) throws Exception {
        long now = System.nanoTime();
        boolean checkTopics = settings.checkTopics() && now - nextTopicCheck >= 0;
        if (!checkTopics && now - nextRequestCheck < 0) {
            return;
        }
        for (StateSnapshot snapshot : snapshots) {
            Marker marker = load(connection, snapshot);
            String reason = marker.requested() > marker.done() ? "requested by an operator" : null;
            if (reason == null && checkTopics) {
                reason = staleness(snapshot.topic(), marker, describe(snapshot.topic()));
            }
            if (reason != null) {
                republish(connection, producer, snapshot, marker, reason);
            }
        }
        // Measured after the work: a long re-publish does not make the next check due at once.
        long after = System.nanoTime();
        nextRequestCheck = after + settings.requestInterval().toNanos();
        if (checkTopics) {
            nextTopicCheck = settings.topicInterval().isZero() ? Long.MAX_VALUE / 2 + after
                    : after + settings.topicInterval().toNanos();
        }
    }

    /** Why the topic no longer holds what the last re-publish left there, or null when it does. */
    static String staleness(String topic, Marker marker, TopicState state) {
        if (marker.clusterId() == null) {
            return "no re-publish recorded for this database yet";
        }
        if (state.topicId() == null) {
            return "topic " + topic + " does not exist";
        }
        if (!marker.clusterId().equals(state.clusterId())) {
            return "new Kafka cluster " + state.clusterId() + " (last re-published to " + marker.clusterId() + ")";
        }
        if (!state.topicId().equals(marker.topicId())) {
            return "topic " + topic + " was recreated (id " + state.topicId() + ", was " + marker.topicId() + ")";
        }
        for (var recorded : marker.endOffsets().entrySet()) {
            Long end = state.endOffsets().get(recorded.getKey());
            if (end == null || end < recorded.getValue()) {
                return "partition " + recorded.getKey() + " of " + topic + " ends at " + end + ", below the "
                        + recorded.getValue() + " recorded after the last re-publish";
            }
        }
        return null;
    }

    private void republish(Connection connection, Producer<String, byte[]> producer, StateSnapshot snapshot,
            Marker marker, String reason) throws Exception {
        String topic = snapshot.topic();
        LOG.infof("Re-publishing %s to %s: %s", snapshot.name(), topic, reason);
        long begin = System.nanoTime();
        TopicState before = ensureTopic(snapshot);
        Set<String> present = presentKeys(snapshot, before);

        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback acknowledged = (metadata, exception) -> {
            if (exception != null) {
                failure.compareAndSet(null, exception);
            }
        };
        long[] records = { 0 };
        // One Kafka transaction, as the relay's batches: a re-publish that fails shows nothing of itself.
        producer.beginTransaction();
        connection.setAutoCommit(false);
        try {
            try (Statement transaction = connection.createStatement()) {
                transaction.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            snapshot.read(connection, record -> {
                if (!topic.equals(record.topic()) || record.key() == null || !snapshot.owns(record.key())) {
                    throw new IllegalStateException("snapshot " + snapshot.name() + " produced a record it does not own: "
                            + record.topic() + " " + record.key());
                }
                present.remove(record.key());
                producer.send(record, acknowledged);
                records[0]++;
            });
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        for (String stale : present) {
            producer.send(new ProducerRecord<>(topic, stale, null), acknowledged);
        }
        // Every record acknowledged before the relay sends its next batch; fails (and commits nothing) otherwise.
        producer.commitTransaction();
        if (failure.get() != null) {
            throw failure.get();
        }
        TopicState after = describe(topic);
        save(connection, snapshot, after, records[0], present.size(), reason, marker.requested());
        listener.republished(snapshot.name(), records[0], present.size());
        LOG.infof("Re-published %s to %s: %d records, %d stale keys removed, in %d ms", snapshot.name(), topic,
                records[0], present.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }

    /**
     * The keys of this owner whose latest record on the topic is not a tombstone, read up to the end offsets found
     * before the re-publish. Nothing else writes this owner's keys meanwhile: the relay waits for the re-publish.
     */
    private Set<String> presentKeys(StateSnapshot snapshot, TopicState state) throws TimeoutException {
        Set<String> present = new HashSet<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        state.endOffsets().forEach((partition, end) -> {
            if (end > 0) {
                ends.put(new TopicPartition(snapshot.topic(), partition), end);
            }
        });
        if (ends.isEmpty()) {
            return present;
        }
        Map<String, Object> properties = new HashMap<>(kafkaProperties);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "eventstore-republish-" + settings.relay());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            Set<TopicPartition> remaining = new HashSet<>(ends.keySet());
            long lastProgress = System.nanoTime();
            while (!remaining.isEmpty()) {
                boolean progress = false;
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    progress = true;
                    if (record.key() == null || !snapshot.owns(record.key())) {
                        continue;
                    }
                    if (record.value() == null) {
                        present.remove(record.key());
                    } else {
                        present.add(record.key());
                    }
                }
                for (var partition : List.copyOf(remaining)) {
                    if (consumer.position(partition, KAFKA_TIMEOUT) >= ends.get(partition)) {
                        remaining.remove(partition);
                        consumer.pause(List.of(partition));
                    }
                }
                if (progress) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > KAFKA_TIMEOUT.toNanos()) {
                    throw new TimeoutException("reading " + snapshot.topic() + " made no progress for " + KAFKA_TIMEOUT
                            + "; partitions left: " + remaining);
                }
            }
        }
        return present;
    }

    /** The topic's state, after creating it with the snapshot's configs when it is missing. */
    private TopicState ensureTopic(StateSnapshot snapshot) throws Exception {
        TopicState state = describe(snapshot.topic());
        if (state.topicId() != null) {
            return state;
        }
        try {
            // Partition count and replication from the broker's defaults, as the edge does: the cluster owner's call.
            admin().createTopics(List.of(new NewTopic(snapshot.topic(), Optional.empty(), Optional.empty())
                    .configs(snapshot.topicConfigs()))).all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("Created missing topic %s with %s", snapshot.topic(), snapshot.topicConfigs());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
        while ((state = describe(snapshot.topic())).topicId() == null) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topic " + snapshot.topic() + " was created but is not described");
            }
            Thread.sleep(100);
        }
        return state;
    }

    TopicState describe(String topic) throws Exception {
        long timeout = KAFKA_TIMEOUT.toMillis();
        String clusterId = admin().describeCluster().clusterId().get(timeout, TimeUnit.MILLISECONDS);
        TopicDescription description;
        try {
            description = admin().describeTopics(List.of(topic)).allTopicNames().get(timeout, TimeUnit.MILLISECONDS)
                    .get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new TopicState(clusterId, null, Map.of());
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> latest = description.partitions().stream().collect(Collectors.toMap(
                partition -> new TopicPartition(topic, partition.partition()), partition -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin().listOffsets(latest).all()
                .get(timeout, TimeUnit.MILLISECONDS);
        Map<Integer, Long> ends = new TreeMap<>();
        offsets.forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
        return new TopicState(clusterId, description.topicId().toString(), ends);
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> properties = new HashMap<>(kafkaProperties);
            properties.put("client.id", "eventstore-republish-" + settings.relay());
            admin = Admin.create(properties);
        }
        return admin;
    }

    private Marker load(Connection connection, StateSnapshot snapshot) throws SQLException {
        try (PreparedStatement load = connection.prepareStatement(LOAD)) {
            load.setString(1, settings.relay());
            load.setString(2, snapshot.name());
            try (ResultSet rs = load.executeQuery()) {
                if (!rs.next()) {
                    return Marker.NONE;
                }
                return new Marker(rs.getString(1), rs.getString(2), parseOffsets(rs.getString(3)), rs.getLong(4),
                        rs.getLong(5));
            }
        }
    }

    private void save(Connection connection, StateSnapshot snapshot, TopicState state, long records, long tombstones,
            String reason, long requestsServed) throws SQLException {
        try (PreparedStatement save = connection.prepareStatement(SAVE)) {
            save.setString(1, settings.relay());
            save.setString(2, snapshot.name());
            save.setString(3, state.clusterId());
            save.setString(4, state.topicId());
            save.setString(5, formatOffsets(state.endOffsets()));
            save.setLong(6, records);
            save.setLong(7, tombstones);
            save.setString(8, reason);
            save.setLong(9, requestsServed);
            save.executeUpdate();
        }
    }

    /** {@code partition:offset,...}, e.g. {@code 0:12,1:0,2:7}. */
    static String formatOffsets(Map<Integer, Long> offsets) {
        return new TreeMap<>(offsets).entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(","));
    }

    static Map<Integer, Long> parseOffsets(String text) {
        Map<Integer, Long> offsets = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return offsets;
        }
        for (String pair : text.split(",")) {
            String[] parts = pair.split(":", 2);
            offsets.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        }
        return offsets;
    }

    /** Closes the admin client; the next check opens a new one. Called when the relay loses or gives up the lead. */
    @Override
    public void close() {
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debugf("closing the admin client: %s", e.getMessage());
            }
            admin = null;
        }
    }
}
