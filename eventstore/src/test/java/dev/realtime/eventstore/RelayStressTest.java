package dev.realtime.eventstore;

import static dev.realtime.eventstore.fixtures.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.eventstore.fixtures.Deposit;
import dev.realtime.eventstore.fixtures.ProducerJournal;
import dev.realtime.eventstore.fixtures.TestIntegrationMapper;
import dev.realtime.eventstore.relay.Relay;
import dev.realtime.eventstore.relay.RelayService;
import dev.realtime.eventstore.store.CommitSignal;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.NewEvent;
import dev.realtime.testkit.FreePorts;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PausableProxy;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.TopicReader;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay under faults, many times over: writers append to several streams at once while the relay is stopped
 * and started, while the broker stalls mid-batch for longer than the producer's delivery timeout, and while it
 * only hiccups. Each iteration's streams must reach Kafka complete with their first copies in stream order, and a
 * stream may have extra copies only if a failure was logged (or the relay restarted) after its iteration began.
 *
 * <p>The relay publishes to a broker of its own behind a {@link PausableProxy}, with short producer timeouts so a
 * stall makes batches fail the way a long outage does in production. Two threads keep the CPU busy throughout, so
 * the interleavings of a loaded machine come up here too. Iterations per scenario: {@code -Drelay.stress.iterations}
 * (default 70).
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
class RelayStressTest {
    private static final Logger LOG = Logger.getLogger(RelayStressTest.class);
    private static final int ITERATIONS = Integer.getInteger("relay.stress.iterations", 70);
    private static final int STREAMS = 4;
    private static final int VERSIONS = 24;
    private static final String TOPIC = "es-stress.events";
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    EventStore store;

    @Inject
    TestIntegrationMapper mapper;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private EmbeddedKafkaBroker broker;
    private PausableProxy proxy;
    private Relay relay;
    private final AtomicInteger faults = new AtomicInteger();
    private final List<Thread> burners = new ArrayList<>();
    private volatile boolean burning;
    private final Random random = new Random();
    private final ProducerJournal journal = new ProducerJournal();

    @BeforeEach
    void brokerBehindAProxy() throws IOException {
        int brokerPort = FreePorts.distinct(1)[0];
        proxy = new PausableProxy(brokerPort);
        // After the proxy bound its port, so that neither it nor the broker's client port can come out again.
        broker = new EmbeddedKafkaBroker().withKafkaPort(brokerPort).withControllerPort(FreePorts.except(brokerPort))
                .withAdvertisedListeners("PLAINTEXT://localhost:" + proxy.port())
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(props -> {
                    props.put("num.partitions", "3");
                    props.put("auto.create.topics.enable", "true");
                })
                .start();
        burning = true;
        for (int i = 0; i < 2; i++) {
            Thread burner = new Thread(this::burn, "cpu-burner-" + i);
            burner.setDaemon(true);
            burner.setPriority(Thread.MIN_PRIORITY);
            burner.start();
            burners.add(burner);
        }
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        burning = false;
        for (Thread burner : burners) {
            burner.join();
        }
        burners.clear();
        if (relay != null) {
            relay.stop();
        }
        proxy.close();
        broker.close();
    }

    @Test
    void aRelayStoppedAndStartedMidStreamKeepsEveryStreamInOrder() throws Exception {
        run("restart", true, iteration -> {
            Thread.sleep(random.nextInt(40));
            relay.stop();
            faults.incrementAndGet();
            Thread.sleep(random.nextInt(40));
            relay.start();
        });
    }

    @Test
    void aBrokerStalledMidBatchBeyondTheDeliveryTimeoutKeepsEveryStreamInOrder() throws Exception {
        run("stall", true, iteration -> {
            Thread.sleep(random.nextInt(60));
            proxy.pause();
            // Longer than the delivery timeout on most iterations, so batches expire in flight and in the queue.
            Thread.sleep(400 + random.nextInt(1200));
            proxy.resume();
        });
    }

    @Test
    void concurrentAppendsThroughBrokerHiccupsAndCutConnectionsKeepEveryStreamInOrder() throws Exception {
        // The producer rides out most hiccups by itself (a pause shorter than its request timeout, a reconnect): on an
        // idle machine the relay may see no failure at all, and then no extra copy is allowed.
        run("hiccup", false, iteration -> {
            Thread.sleep(random.nextInt(30));
            if (iteration % 3 == 0) {
                proxy.cutConnections();
            } else {
                proxy.pause();
                Thread.sleep(random.nextInt(250));
                proxy.resume();
            }
        });
    }

    interface Fault {
        void inject(int iteration) throws Exception;
    }

    private void run(String scenario, boolean relayMustSeeFaults, Fault fault) throws Exception {
        relay = new Relay(new Relay.Settings("stress-" + UUID.randomUUID(), 60, Duration.ofMillis(100),
                Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(3)),
                this::connect, this::producer, this::toStressTopic, new Relay.Listener() {
                    @Override
                    public void failed(Exception failure) {
                        faults.incrementAndGet();
                        journal.note("relay failed: " + failure);
                    }

                    @Override
                    public void published(dev.realtime.eventstore.store.StoredEvent event) {
                        journal.note("relay published " + event.streamId + "#" + event.version + " (tx position "
                                + event.position + ")");
                    }
                }, new CommitSignal());
        relay.start();
        // The fault counter at the start of each stream's iteration: an extra copy needs a fault after it.
        Map<String, Integer> faultsBefore = new HashMap<>();
        Map<String, Integer> iterationOf = new HashMap<>();
        ExecutorService writers = Executors.newFixedThreadPool(STREAMS);
        try (TopicReader reader = new TopicReader(bootstrap(), TOPIC)) {
            for (int iteration = 0; iteration < ITERATIONS; iteration++) {
                List<String> streams = new ArrayList<>();
                for (int s = 0; s < STREAMS; s++) {
                    String stream = "conversation:s" + UUID.randomUUID().toString().substring(0, 12);
                    streams.add(stream);
                    faultsBefore.put(stream, faults.get());
                    iterationOf.put(stream, iteration);
                }
                List<Future<?>> appends = new ArrayList<>();
                for (String stream : streams) {
                    appends.add(writers.submit(() -> appendInRuns(stream)));
                }
                fault.inject(iteration);
                for (Future<?> append : appends) {
                    append.get();
                }
                Set<String> ours = Set.copyOf(streams);
                reader.awaitRecords(r -> ours.contains(r.key()), STREAMS * VERSIONS, WAIT);
                if (iteration % 20 == 19) {
                    LOG.infof("%s: %d iterations, %d faults so far", scenario, iteration + 1, faults.get());
                }
            }
            // What a late republish may still add arrives within a few relay rounds.
            List<ConsumerRecord<String, byte[]>> all = reader.drain(Duration.ofSeconds(3));
            assertFirstCopiesInOrderAndExtrasAfterAFault(scenario, all, faultsBefore, iterationOf);
            if (relayMustSeeFaults) {
                assertTrue(faults.get() > 0, scenario + ": the scenario injected faults the relay saw");
            }
        } finally {
            writers.shutdownNow();
        }
    }

    private void assertFirstCopiesInOrderAndExtrasAfterAFault(String scenario, List<ConsumerRecord<String, byte[]>> all,
            Map<String, Integer> faultsBefore, Map<String, Integer> iterationOf) {
        Map<String, List<Long>> firstCopies = new HashMap<>();
        Map<String, Set<String>> ids = new HashMap<>();
        Map<String, Integer> extras = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : all) {
            if (!faultsBefore.containsKey(record.key())) {
                continue;
            }
            IntegrationEvent event = CloudEventCodec.fromRecord(record);
            if (ids.computeIfAbsent(record.key(), k -> new HashSet<>()).add(event.id())) {
                firstCopies.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(event.seq());
            } else {
                extras.merge(record.key(), 1, Integer::sum);
            }
        }
        List<Long> expected = java.util.stream.LongStream.rangeClosed(1, VERSIONS).boxed().toList();
        int totalExtras = 0;
        for (String stream : faultsBefore.keySet()) {
            if (!expected.equals(firstCopies.get(stream))) {
                LOG.errorf("%s: producers' journal for %s:%n%s%nstored rows:%n%s", scenario, stream,
                        journal.around(stream), storedRows(stream));
            }
            assertEquals(expected, firstCopies.get(stream), scenario + ": first copies of " + stream + " (iteration "
                    + iterationOf.get(stream) + ") in stream order; on Kafka: " + onKafka(all, stream));
            int extra = extras.getOrDefault(stream, 0);
            totalExtras += extra;
            if (extra > 0 && faults.get() <= faultsBefore.get(stream)) {
                LOG.errorf("%s: producers' journal for %s:%n%s%nstored rows:%n%s", scenario, stream,
                        journal.around(stream), storedRows(stream));
            }
            assertTrue(extra == 0 || faults.get() > faultsBefore.get(stream), scenario + ": " + extra
                    + " extra copies of " + stream + " without a failure logged since its iteration began");
        }
        LOG.infof("%s: %d iterations, %d streams, %d faults, %d extra copies", scenario, ITERATIONS,
                faultsBefore.size(), faults.get(), totalExtras);
    }

    private String storedRows(String stream) {
        StringBuilder out = new StringBuilder();
        try (Connection connection = connect(); java.sql.PreparedStatement rows = connection.prepareStatement(
                "select version, position, tx_id::text, recorded_at, data::text from es_events where stream_id = ?"
                        + " order by version")) {
            rows.setString(1, stream);
            try (java.sql.ResultSet rs = rows.executeQuery()) {
                while (rs.next()) {
                    out.append("v").append(rs.getLong(1)).append(" position ").append(rs.getLong(2)).append(" tx ")
                            .append(rs.getString(3)).append(" at ").append(rs.getString(4)).append(' ')
                            .append(rs.getString(5)).append('\n');
                }
            }
        } catch (SQLException e) {
            out.append(e);
        }
        return out.toString();
    }

    private static String onKafka(List<ConsumerRecord<String, byte[]>> all, String stream) {
        return all.stream().filter(r -> stream.equals(r.key()))
                .map(r -> "p" + r.partition() + "@" + r.offset() + "=" + CloudEventCodec.fromRecord(r).seq())
                .collect(Collectors.joining(", "));
    }

    /** Appends of one to four events each, so relay batches carry runs of one stream. */
    private void appendInRuns(String stream) {
        Random sizes = new Random();
        long version = 0;
        while (version < VERSIONS) {
            int run = (int) Math.min(VERSIONS - version, 1 + sizes.nextInt(4));
            long expected = version;
            List<NewEvent> events = new ArrayList<>();
            for (int i = 1; i <= run; i++) {
                events.add(new NewEvent(Deposit.TYPE, new Deposit(expected + i, "v" + (expected + i))));
            }
            await(() -> store.transact(() -> store.append(stream, expected, events, EventMetadata.of("alice", null))));
            version += run;
        }
    }

    private List<ProducerRecord<String, byte[]>> toStressTopic(dev.realtime.eventstore.store.StoredEvent event) {
        return mapper.map(event).stream()
                .map(r -> new ProducerRecord<>(TOPIC, null, r.key(), r.value(), r.headers()))
                .toList();
    }

    private org.apache.kafka.clients.producer.Producer<String, byte[]> producer() {
        // Short timeouts so a stall fails batches in flight and in the queue; small batches so one relay batch
        // spans several producer batches per partition, and a buffer so small that a relay batch's later records
        // wait for memory and are batched after an earlier batch of their partition failed.
        Map<String, String> failFast = Map.of("delivery.timeout.ms", "800", "request.timeout.ms", "300",
                "linger.ms", "5", "batch.size", "600", "buffer.memory", "2400", "max.block.ms", "1000",
                "reconnect.backoff.max.ms", "100", "retry.backoff.ms", "20", "transaction.timeout.ms", "5000");
        return journal.record(new KafkaProducer<>(RelayService.producerProperties(bootstrap(), "stress", failFast),
                new StringSerializer(), new ByteArraySerializer()));
    }

    private String bootstrap() {
        return "localhost:" + proxy.port();
    }

    private Connection connect() {
        try {
            return DriverManager.getConnection(jdbcUrl, "postgres", "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void burn() {
        long x = 0;
        while (burning) {
            x += System.nanoTime() % 7;
        }
        if (x == 42) {
            LOG.debug("unlikely");
        }
    }
}
