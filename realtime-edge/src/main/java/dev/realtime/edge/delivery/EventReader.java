package dev.realtime.edge.delivery;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.events.Topics;
import dev.realtime.edge.kafka.AllPartitionsReader;
import dev.realtime.edge.kafka.ConsumerLoop;
import dev.realtime.edge.kafka.KafkaClients;
import dev.realtime.edge.kafka.TopicProvisioner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Reads the event topics and hands each event to {@link Fanout}.
 *
 * <p>A plain Kafka consumer on its own thread rather than SmallRye Reactive Messaging: the edge needs every
 * partition on every instance ({@code assign()}, no consumer group, hence no rebalance that could reset a
 * partition to "latest" and skip events), a readiness signal that means "positions are fixed" rather than
 * "connected", and no acknowledgement or commit machinery, since live fan-out keeps no offsets. Each step is
 * in-memory work plus non-blocking socket writes, so one thread keeps up and preserves per-partition order.
 */
@ApplicationScoped
public class EventReader {
    private static final Logger LOG = Logger.getLogger(EventReader.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);

    @Inject
    KafkaClients clients;
    @Inject
    TopicProvisioner provisioner;
    @Inject
    Fanout fanout;
    @Inject
    MeterRegistry meters;

    private final AtomicBoolean warnedInvalid = new AtomicBoolean();
    private final ConsumerLoop loop = new ConsumerLoop("edge-events", "Reading the event topics");
    private volatile Set<String> missingTopics = new TreeSet<>(Topics.DELIVERED);
    private volatile int assignedPartitions;
    private volatile long lag;

    void start(@Observes StartupEvent event) {
        Gauge.builder("realtime.edge.consumer.lag", this, reader -> reader.lag)
                .description("Records on the event topics not yet read by this instance").register(meters);
        Topics.DELIVERED.forEach(this::invalidCounter);
        loop.start(this::run);
    }

    /** Whether every event topic is assigned at a fixed position, i.e. events published from now on arrive. */
    public boolean positioned() {
        return missingTopics.isEmpty();
    }

    public Set<String> missingTopics() {
        return missingTopics;
    }

    public int assignedPartitions() {
        return assignedPartitions;
    }

    private void run() {
        provisioner.ensure(Topics.DELIVERED);
        Counter delivered = Counter.builder("realtime.edge.frames.delivered")
                .description("Event frames queued to sessions").register(meters);
        // Start at the end: a client that was away catches up through resume, not by replaying the topics.
        try (AllPartitionsReader current = new AllPartitionsReader(clients.consumer("events", "latest"),
                Topics.DELIVERED, AllPartitionsReader.Start.END)) {
            long[] lastRefresh = {0};
            loop.repeat(current::wakeup, () -> {
                if (!missingTopics.isEmpty() || System.nanoTime() - lastRefresh[0] > REFRESH_INTERVAL.toNanos()) {
                    current.refresh(METADATA_TIMEOUT);
                    lastRefresh[0] = System.nanoTime();
                    missingTopics = current.missingTopics();
                    assignedPartitions = current.assigned().size();
                }
                if (assignedPartitions == 0) {
                    Thread.sleep(POLL.toMillis());
                    return;
                }
                for (ConsumerRecord<String, byte[]> record : current.poll(POLL)) {
                    delivered.increment(handle(record));
                }
                lag = current.lag();
            });
        }
    }

    private int handle(ConsumerRecord<String, byte[]> record) {
        IntegrationEvent event;
        try {
            event = CloudEventCodec.fromRecord(record);
        } catch (RuntimeException e) {
            // Open topics take records from other companies: one bad record must cost nothing but itself.
            invalid(record, e.getMessage());
            return 0;
        }
        try {
            return fanout.deliver(event, record);
        } catch (InvalidEventException e) {
            invalid(record, e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Delivering the event at %s-%d@%d failed", record.topic(), record.partition(), record.offset());
        }
        return 0;
    }

    private void invalid(ConsumerRecord<String, byte[]> record, String reason) {
        invalidCounter(record.topic()).increment();
        if (warnedInvalid.compareAndSet(false, true)) {
            LOG.warnf("Skipped a record at %s-%d@%d that is not a valid event (%s); further ones are only counted "
                    + "in realtime.edge.events.invalid", record.topic(), record.partition(), record.offset(), reason);
        } else {
            LOG.debugf("Skipped a record at %s-%d@%d that is not a valid event (%s)",
                    record.topic(), record.partition(), record.offset(), reason);
        }
    }

    /** {@code realtime_edge_events_invalid_total{topic}}; registered for every delivered topic at start. */
    private Counter invalidCounter(String topic) {
        return Counter.builder("realtime.edge.events.invalid")
                .description("Records on the event topics skipped because they are not valid events")
                .tag("topic", topic)
                .register(meters);
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop();
    }
}
