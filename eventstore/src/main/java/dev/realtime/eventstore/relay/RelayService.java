package dev.realtime.eventstore.relay;

import dev.realtime.eventstore.store.CommitSignal;
import dev.realtime.eventstore.tracing.Tracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the {@link Relay} of this service with the application, bound to its datasource, Kafka and
 * Micrometer. Metrics: {@code eventstore.relay.backlog} (events committed but not yet acknowledged by
 * Kafka), {@code eventstore.relay.lag.seconds} (age of the oldest of them), {@code eventstore.relay.published}
 * (counter), {@code eventstore.relay.failures} (counter), {@code eventstore.relay.unpublishable} (counter of events
 * set aside), {@code eventstore.relay.leader} (1 on the instance
 * that publishes) and {@code eventstore.relay.publish.latency} (recorded → acknowledged, per event).
 */
@ApplicationScoped
public class RelayService {
    private static final Logger LOG = Logger.getLogger(RelayService.class);

    @Inject
    RelayConfig config;

    @Inject
    Instance<IntegrationMapper> mappers;

    @Inject
    Instance<StateSnapshot> snapshots;

    @Inject
    MeterRegistry registry;

    @Inject
    CommitSignal commits;

    @Inject
    Tracing tracing;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username", defaultValue = "postgres")
    String username;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong();
    private final AtomicLong leader = new AtomicLong();
    private Relay relay;

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("Event relay disabled (eventstore.relay.enabled=false)");
            return;
        }
        if (!mappers.isResolvable()) {
            LOG.info("Event relay not started: this service publishes no integration events (no IntegrationMapper bean)");
            return;
        }
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    public synchronized void start() {
        if (relay == null) {
            IntegrationMapper mapper = mappers.get();
            Relay.Listener listener = metrics();
            if (tracing.enabled()) {
                RelaySpans spans = new RelaySpans(tracing, config.name());
                mapper = spans.tracing(mapper);
                listener = spans.tracing(listener);
            }
            relay = new Relay(settings(), this::connect, this::producer, mapper, listener, commits, republisher());
        }
        relay.start();
    }

    /** Stops publishing; {@link #start()} resumes from the checkpoint. */
    public synchronized void stop() {
        if (relay != null) {
            relay.stop();
        }
    }

    public synchronized boolean isLeader() {
        return relay != null && relay.isLeader();
    }

    private Relay.Settings settings() {
        Duration deliveryTimeout = Duration.ofMillis(Long.parseLong(
                config.kafka().getOrDefault(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000")));
        return new Relay.Settings(config.name(), config.batchSize(), config.pollInterval(), config.initialBackoff(),
                config.maxBackoff(), config.standbyRetry(), deliveryTimeout.plusSeconds(5));
    }

    private Republisher republisher() {
        List<StateSnapshot> all = snapshots.stream().toList();
        if (all.isEmpty()) {
            return null;
        }
        Map<String, Object> kafka = new HashMap<>();
        kafka.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // The connection settings of the producer overrides (TLS, SASL) apply to the admin client and consumer too.
        config.kafka().forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                kafka.put(key, value);
            }
        });
        return new Republisher(new Republisher.Settings(config.name(), config.pollInterval(),
                config.republish().checkInterval(), config.republish().checkTopics()), all, kafka,
                (snapshot, records, tombstones) -> Counter.builder("eventstore.relay.republished")
                        .tag("relay", config.name()).tag("snapshot", snapshot).register(registry)
                        .increment(records + tombstones));
    }

    private Connection connect() {
        try {
            return DriverManager.getConnection(jdbcUrl, username, password.orElse(""));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    private Producer<String, byte[]> producer() {
        return new KafkaProducer<>(producerProperties(bootstrapServers,
                config.transactionalId().orElse("eventstore-relay-" + config.name()), config.kafka()),
                new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Safe defaults for ordered, at-least-once publishing in transactions; {@code overrides} win. The transactional
     * id must be the same for every instance of one relay (so a new leader fences the old one) and differ between
     * relays and deployments that share a Kafka cluster.
     */
    public static Map<String, Object> producerProperties(String bootstrapServers, String transactionalId,
            Map<String, String> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One produce request at a time: the relay waits for every batch's commit anyway, so more in flight buy
        // nothing. (Added when the relay's text-ordered query, see Relay.FETCH, was taken for a producer reordering.)
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "eventstore-relay");
        props.putAll(overrides);
        return props;
    }

    private Relay.Listener metrics() {
        String name = config.name();
        Counter published = Counter.builder("eventstore.relay.published").tag("relay", name).register(registry);
        Counter failures = Counter.builder("eventstore.relay.failures").tag("relay", name).register(registry);
        Counter unpublishable = Counter.builder("eventstore.relay.unpublishable").tag("relay", name)
                .description("events set aside because they cannot be published (es_relay_unpublishable)")
                .register(registry);
        Timer latency = Timer.builder("eventstore.relay.publish.latency").tag("relay", name)
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("eventstore.relay.backlog", backlog, AtomicLong::get).tag("relay", name).register(registry);
        Gauge.builder("eventstore.relay.lag.seconds", lagMillis, millis -> millis.get() / 1000.0).tag("relay", name)
                .register(registry);
        Gauge.builder("eventstore.relay.leader", leader, AtomicLong::get).tag("relay", name).register(registry);
        return new Relay.Listener() {
            @Override
            public void published(dev.realtime.eventstore.store.StoredEvent event) {
                published.increment();
                latency.record(Duration.between(event.recordedAt, OffsetDateTime.now()));
            }

            @Override
            public void backlog(long events, Duration oldestAge) {
                backlog.set(events);
                lagMillis.set(oldestAge.toMillis());
            }

            @Override
            public void failed(Exception failure) {
                failures.increment();
            }

            @Override
            public void unpublishable(dev.realtime.eventstore.store.StoredEvent event, Exception reason) {
                unpublishable.increment();
            }

            @Override
            public void leadership(boolean isLeader) {
                leader.set(isLeader ? 1 : 0);
            }
        };
    }
}
