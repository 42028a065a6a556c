package dev.realtime.eventstore;

import static dev.realtime.eventstore.fixtures.Await.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.eventstore.fixtures.Deposit;
import dev.realtime.eventstore.fixtures.TestIntegrationMapper;
import dev.realtime.eventstore.relay.Relay;
import dev.realtime.eventstore.relay.RelayService;
import dev.realtime.eventstore.store.CommitSignal;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.NewEvent;
import dev.realtime.eventstore.store.StoredEvent;
import dev.realtime.testkit.FreePorts;
import dev.realtime.testkit.KafkaBroker;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
class RelayTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String DIGITS_TOPIC = "es-digits.events";

    @Inject
    EventStore store;

    @Inject
    RelayService relay;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TestIntegrationMapper mapper;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void publishesEachEventAsACloudEventKeyedByStreamWithItsVersionAsSeq() {
        String stream = stream();
        append(stream, ExpectedVersion.NO_STREAM, 3);
        append(stream, 3, 1);
        List<StoredEvent> stored = await(() -> store.readStream(stream, 0, 10));

        try (TopicReader reader = TopicReader.of(TestIntegrationMapper.TOPIC)) {
            List<IntegrationEvent> published = events(reader.awaitRecords(keyed(stream), 4, WAIT));
            assertEquals(List.of(1L, 2L, 3L, 4L), published.stream().map(IntegrationEvent::seq).toList());
            assertEquals(stored.stream().map(e -> e.eventId.toString()).toList(),
                    published.stream().map(IntegrationEvent::id).toList());
            IntegrationEvent first = published.get(0);
            assertEquals(stream, first.room().name());
            assertEquals("alice", first.actor());
            assertEquals("test." + Deposit.TYPE, first.type());
            assertEquals(new Deposit(1, "1"), first.dataAs(Deposit.class));
        }
    }

    @Test
    void anEventWithALowerPositionThatCommitsLaterIsPublishedAfterward() throws Exception {
        String slow = stream();
        String fast = stream();
        try (Connection late = dataSource.getConnection(); TopicReader reader = TopicReader.of(TestIntegrationMapper.TOPIC)) {
            late.setAutoCommit(false);
            long latePosition = insertRaw(late, slow);
            append(fast, ExpectedVersion.NO_STREAM, 1);
            assertTrue(positionOf(fast) > latePosition, "the committed event has the higher position");

            // The committed event waits: an older transaction is still open and may still add events.
            reader.awaitRecords(anyOf(slow, fast), 0, Duration.ZERO);
            assertTrue(reader.drain(Duration.ofSeconds(1)).stream().noneMatch(anyOf(slow, fast)));

            late.commit();
            List<ConsumerRecord<String, byte[]>> both = reader.awaitRecords(anyOf(slow, fast), 2, WAIT);
            // Two streams may sit in two partitions: Kafka orders within a stream, not across streams.
            assertEquals(Set.of(slow, fast), both.stream().map(ConsumerRecord::key).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void anEventOfAnOlderTransactionThatTakesALowerPositionIsNotSkipped() throws Exception {
        // The classic gap: B's transaction id is older than A's, B's event takes a higher position than
        // A's and commits first. A position checkpoint would pass A's event and never publish it.
        String streamA = stream();
        String streamB = stream();
        try (Connection a = dataSource.getConnection(); Connection b = dataSource.getConnection();
                TopicReader reader = TopicReader.of(TestIntegrationMapper.TOPIC)) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            try (Statement takeId = b.createStatement()) {
                takeId.execute("select pg_current_xact_id()");
            }
            long positionA = insertRaw(a, streamA);
            long positionB = insertRaw(b, streamB);
            assertTrue(positionA < positionB);
            b.commit();
            reader.awaitRecords(keyed(streamB), 1, WAIT);

            a.commit();
            reader.awaitRecords(keyed(streamA), 1, WAIT);
        }
    }

    @Test
    void anEventThatCannotBePublishedIsSetAsideCountedAndEverythingElseFlowsInOrder() throws Exception {
        String unmappable = "not a room " + UUID.randomUUID(); // the room grammar refuses it: the mapper throws
        String tooLarge = stream();
        String good = stream();
        try (Connection connection = dataSource.getConnection(); TopicReader reader = TopicReader.of(TestIntegrationMapper.TOPIC)) {
            append(good, ExpectedVersion.NO_STREAM, 1);
            insertRaw(connection, unmappable);
            // Larger than the producer's max.request.size (1 MB): Kafka can never take its record.
            await(() -> store.transact(() -> store.append(tooLarge, ExpectedVersion.NO_STREAM,
                    List.of(new NewEvent(Deposit.TYPE, new Deposit(1, "x".repeat(1_100_000)))), EventMetadata.of("alice", null))));
            append(good, 1, 2);

            List<IntegrationEvent> published = events(reader.awaitRecords(keyed(good), 3, WAIT));
            assertEquals(List.of(1L, 2L, 3L), published.stream().map(IntegrationEvent::seq).distinct().toList());
            try (PreparedStatement query = connection.prepareStatement(
                    "select stream_id, version, reason from es_relay_unpublishable where stream_id in (?, ?) order by position")) {
                query.setString(1, unmappable);
                query.setString(2, tooLarge);
                try (var rs = query.executeQuery()) {
                    assertTrue(rs.next(), "the unmappable event is set aside");
                    assertEquals(unmappable, rs.getString(1));
                    assertTrue(rs.getString(3).startsWith("InvalidRoomException"), rs.getString(3));
                    assertTrue(rs.next(), "the event too large for Kafka is set aside");
                    assertEquals(tooLarge, rs.getString(1));
                    assertTrue(rs.getString(3).startsWith("RecordTooLargeException"), rs.getString(3));
                    assertTrue(!rs.next(), "each is set aside once");
                }
            }
            assertTrue(reader.drain(Duration.ofMillis(500)).stream().noneMatch(keyed(tooLarge)), "nothing of it on Kafka");
            double counted = registry.find("eventstore.relay.unpublishable")
                    .counters().stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
            assertTrue(counted >= 2, "counted: " + counted);
        }
    }

    @Test
    void aStoppedRelayResumesFromItsCheckpointAndLosesNothing() throws Exception {
        List<String> streams = List.of(stream(), stream(), stream(), stream());
        Set<String> ours = Set.copyOf(streams);
        Predicate<ConsumerRecord<String, byte[]>> mine = r -> ours.contains(r.key());
        try (TopicReader reader = TopicReader.of(TestIntegrationMapper.TOPIC)) {
            int perStream = 30;
            appendRoundRobin(streams, 0, 10);
            reader.awaitRecords(mine, 10, WAIT);
            relay.stop();
            try {
                appendRoundRobin(streams, 10, perStream);
                assertTrue(reader.drain(Duration.ofSeconds(1)).stream().filter(mine).count() < streams.size() * perStream,
                        "a stopped relay publishes nothing new");
            } finally {
                relay.start();
            }
            reader.awaitRecords(mine, streams.size() * perStream, WAIT);
            List<ConsumerRecord<String, byte[]>> all = reader.drain(Duration.ofMillis(500)).stream().filter(mine).toList();
            assertCompleteAndInOrder(all, streams, perStream);
        }
    }

    @Test
    void eventsWhoseTransactionIdsCrossAPowerOfTenArePublishedInTransactionOrder() throws Exception {
        // Seen in CI and in the fault suite (tx 99994, 99998, 100001, 100003): the relay sorted by the text of tx_id,
        // so "100001" came before "99998" and a stream's later versions were published before its earlier ones,
        // then again after them. Two versions of one stream whose transaction ids straddle a power of ten below
        // every running transaction (a fresh relay reads from the start, so both are due at once).
        long current;
        try (Connection connection = dataSource.getConnection(); Statement query = connection.createStatement();
                var rs = query.executeQuery("select pg_current_xact_id()::text")) {
            rs.next();
            current = Long.parseLong(rs.getString(1));
        }
        long power = 10;
        while (power * 10 <= current / 2) {
            power *= 10;
        }
        String stream = stream();
        try (Connection connection = dataSource.getConnection()) {
            insertWithTransactionId(connection, stream, 1, power - 1);
            insertWithTransactionId(connection, stream, 2, power);
            insertWithTransactionId(connection, stream, 3, power + 1);
        }
        String name = "digits-" + UUID.randomUUID();
        Relay fresh = new Relay(new Relay.Settings(name, 100, Duration.ofMillis(100), Duration.ofMillis(100),
                Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)), this::connect,
                () -> new KafkaProducer<>(RelayService.producerProperties(KafkaBroker.bootstrapServers(), name,
                        Map.of()), new StringSerializer(), new ByteArraySerializer()),
                // Only this stream, to a topic of its own: a fresh relay would publish every event of the database
                // again, and the application's relay publishes this stream to the test topic too.
                event -> !stream.equals(event.streamId) ? List.of() : mapper.map(event).stream()
                        .map(r -> new org.apache.kafka.clients.producer.ProducerRecord<>(DIGITS_TOPIC, null, r.key(),
                                r.value(), r.headers()))
                        .toList(),
                new Relay.Listener() {
                }, new CommitSignal());
        try (TopicReader reader = TopicReader.of(DIGITS_TOPIC)) {
            fresh.start();
            List<IntegrationEvent> published = events(reader.awaitRecords(keyed(stream), 3, WAIT));
            assertEquals(List.of(1L, 2L, 3L), published.stream().map(IntegrationEvent::seq).toList());
            assertEquals(3, reader.drain(Duration.ofSeconds(1)).stream().filter(keyed(stream)).count(),
                    "no extra copies");
        } finally {
            fresh.stop();
        }
    }

    @Test
    void aKafkaOutageDelaysPublishingButLosesNothing() throws Exception {
        int[] ports = FreePorts.distinct(2);
        int port = ports[0];
        String outageTopic = "es-outage.events";
        String bootstrap = "localhost:" + port;
        AtomicInteger failures = new AtomicInteger();
        Map<String, String> fastFailure = Map.of("delivery.timeout.ms", "3000", "request.timeout.ms", "1000",
                "max.block.ms", "1000", "reconnect.backoff.max.ms", "200");
        Relay.Settings settings = new Relay.Settings("outage-" + UUID.randomUUID(), 100, Duration.ofMillis(200),
                Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5));
        Relay outageRelay = new Relay(settings, this::connect,
                () -> new KafkaProducer<>(RelayService.producerProperties(bootstrap, "outage-relay", fastFailure), new StringSerializer(),
                        new ByteArraySerializer()),
                event -> mapper.map(event).stream()
                        .map(r -> new org.apache.kafka.clients.producer.ProducerRecord<>(outageTopic, null, r.key(),
                                r.value(), r.headers()))
                        .toList(),
                new Relay.Listener() {
                    @Override
                    public void failed(Exception failure) {
                        failures.incrementAndGet();
                    }
                }, new CommitSignal());
        String stream = stream();
        EmbeddedKafkaBroker lateBroker = null;
        outageRelay.start();
        try {
            append(stream, ExpectedVersion.NO_STREAM, 5);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (failures.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(failures.get() >= 2, "the relay keeps retrying while Kafka is down");

            lateBroker = new EmbeddedKafkaBroker().withKafkaPort(port).withControllerPort(ports[1])
                    .withDeleteLogDirsOnClose(true).start();
            try (TopicReader reader = new TopicReader(bootstrap, outageTopic)) {
                List<IntegrationEvent> published = events(reader.awaitRecords(keyed(stream), 5, Duration.ofSeconds(60)));
                assertEquals(List.of(1L, 2L, 3L, 4L, 5L),
                        published.stream().map(IntegrationEvent::seq).distinct().sorted().toList());
            }
        } finally {
            outageRelay.stop();
            if (lateBroker != null) {
                lateBroker.close();
            }
        }
    }

    private void assertCompleteAndInOrder(List<ConsumerRecord<String, byte[]>> records, List<String> streams, int perStream) {
        Map<String, List<Long>> firstSeen = new HashMap<>();
        Map<String, Set<String>> ids = new HashMap<>();
        int duplicates = 0;
        for (IntegrationEvent event : events(records)) {
            if (!ids.computeIfAbsent(event.room().name(), k -> new LinkedHashSet<>()).add(event.id())) {
                duplicates++;
                continue;
            }
            firstSeen.computeIfAbsent(event.room().name(), k -> new ArrayList<>()).add(event.seq());
        }
        List<Long> expected = java.util.stream.LongStream.rangeClosed(1, perStream).boxed().toList();
        for (String stream : streams) {
            assertEquals(expected, firstSeen.get(stream), "every version of " + stream + ", first copies in order; on Kafka: "
                    + records.stream().filter(r -> stream.equals(r.key()))
                            .map(r -> "p" + r.partition() + "@" + r.offset() + "=" + CloudEventCodec.fromRecord(r).seq())
                            .toList());
        }
        assertEquals(records.size() - streams.size() * perStream, duplicates,
                "every extra record is a duplicate recognisable by its event id");
    }

    private void appendRoundRobin(List<String> streams, int fromVersion, int toVersion) {
        for (int v = fromVersion; v < toVersion; v++) {
            for (String stream : streams) {
                append(stream, v, 1);
            }
        }
    }

    private void append(String stream, long expected, int count) {
        List<NewEvent> events = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            events.add(new NewEvent(Deposit.TYPE, new Deposit(expected + i, String.valueOf(expected + i))));
        }
        await(() -> store.transact(() -> store.append(stream, expected, events, EventMetadata.of("alice", null))));
    }

    /** An append by another writer that does not go through the library, to control commit timing. */
    private static long insertRaw(Connection connection, String stream) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into es_events (event_id, stream_id, version, type, data, metadata)
                values (?, ?, 1, 'test.Deposited.v1', '{"amount":1,"note":"raw"}', '{"actor":"raw"}')
                returning position""")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, stream);
            try (var rs = insert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A committed event whose tx_id is given, as if an older transaction had written it. */
    private static void insertWithTransactionId(Connection connection, String stream, long version, long txId)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into es_events (event_id, stream_id, version, type, data, metadata, tx_id)
                values (?, ?, ?, 'test.Deposited.v1', '{"amount":1,"note":"raw"}', '{"actor":"raw"}', ?::xid8)""")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, stream);
            insert.setLong(3, version);
            insert.setString(4, Long.toString(txId));
            insert.executeUpdate();
        }
    }

    private long positionOf(String stream) {
        return await(() -> store.readStream(stream, 0, 1)).get(0).position;
    }

    private Connection connect() {
        try {
            return java.sql.DriverManager.getConnection(jdbcUrl, "postgres", "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<IntegrationEvent> events(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(CloudEventCodec::fromRecord).toList();
    }

    private static Predicate<ConsumerRecord<String, byte[]>> keyed(String stream) {
        return record -> stream.equals(record.key());
    }

    private static Predicate<ConsumerRecord<String, byte[]>> anyOf(String a, String b) {
        return record -> a.equals(record.key()) || b.equals(record.key());
    }

    private static String stream() {
        return "conversation:r" + UUID.randomUUID().toString().substring(0, 12);
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, UTF_8);
    }
}
