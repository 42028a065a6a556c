package dev.realtime.activity.messaging;

import dev.realtime.activity.domain.ActivityConfig;
import dev.realtime.activity.domain.ActivityProblem;
import dev.realtime.activity.domain.ProjectService;
import dev.realtime.activity.messaging.SourceEvents.SourceActivity;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reads {@code chat.events} and {@code records.events} in the consumer group {@code activity.sources.group-id} and
 * records the activities they carry. A plain Kafka consumer on its own thread, not Quarkus Messaging: each record is
 * recorded (a database transaction) before the next one, and offsets are committed only after a whole poll was
 * recorded, so a crash redelivers and the command id (source + CloudEvent id) makes the redelivery store nothing.
 *
 * <p>A record that cannot be used (not a CloudEvent, bad data, unknown project, actor not a member, archived
 * project) is logged once and skipped. A failure of the database is retried, with backoff, until it works: skipping
 * then would lose an activity, and nothing after it can be recorded anyway.
 */
@ApplicationScoped
public class SourceConsumer {
    private static final Logger LOG = Logger.getLogger(SourceConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long MAX_BACKOFF_MS = 10_000;

    @Inject
    ActivityConfig config;

    @Inject
    ProjectService projects;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    private volatile boolean running;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    void onStart(@Observes StartupEvent event) {
        if (!config.sources().enabled()) {
            LOG.info("Source consumer disabled (activity.sources.enabled=false)");
            return;
        }
        running = true;
        thread = new Thread(this::run, "activity-sources");
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            thread.join(5000);
        }
    }

    private void run() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.sources().groupId());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // The relays publish each batch as a Kafka transaction: only committed batches are read.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = kafka;
            kafka.subscribe(List.of(Topics.CHAT_EVENTS, Topics.RECORDS_EVENTS));
            LOG.infof("Source consumer started: topics=%s group=%s", List.of(Topics.CHAT_EVENTS, Topics.RECORDS_EVENTS),
                    config.sources().groupId());
            while (running) {
                try {
                    ConsumerRecords<String, byte[]> records = kafka.poll(POLL);
                    for (ConsumerRecord<String, byte[]> record : records) {
                        if (!running) {
                            return;
                        }
                        handle(record);
                    }
                    if (!records.isEmpty()) {
                        kafka.commitSync();
                    }
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    // A broker outage or a rebalance during the commit: the uncommitted records come again.
                    LOG.warnf("Source consumer step failed, retrying: %s", e.toString());
                    sleep(1000);
                }
            }
        } catch (WakeupException e) {
            // stopping
        }
    }

    void handle(ConsumerRecord<String, byte[]> record) {
        Optional<SourceActivity> activity;
        IntegrationEvent event = null;
        try {
            event = CloudEventCodec.fromRecord(record);
            activity = SourceEvents.map(record.topic(), event);
        } catch (RuntimeException e) {
            LOG.warnf("Skipped source event: topic=%s partition=%d offset=%d id=%s reason=%s", record.topic(),
                    record.partition(), record.offset(), event == null ? null : event.id(), e.getMessage());
            count(record.topic(), "invalid");
            return;
        }
        if (activity.isEmpty()) {
            return;
        }
        SourceActivity source = activity.get();
        long backoff = 200;
        boolean warned = false;
        while (running) {
            try {
                ProjectService.Recorded recorded = VertxContextSupport.subscribeAndAwait(
                        () -> projects.record(source.projectId(), source.activity(), source.commandId(), source.source()));
                if (recorded.duplicate()) {
                    LOG.debugf("Source event already recorded: id=%s project=%s seq=%d", event.id(),
                            source.projectId(), recorded.seq());
                }
                count(record.topic(), recorded.duplicate() ? "duplicate" : "recorded");
                if (warned) {
                    LOG.infof("Source consumer recovered: id=%s project=%s", event.id(), source.projectId());
                }
                return;
            } catch (Throwable failure) {
                ActivityProblem refused = refusal(failure);
                if (refused != null) {
                    LOG.infof("Skipped source event: topic=%s offset=%d id=%s type=%s project=%s reason=%s",
                            record.topic(), record.offset(), event.id(), event.type(), source.projectId(),
                            refused.type() + ": " + refused.getMessage());
                    count(record.topic(), "refused");
                    return;
                }
                if (!warned) {
                    LOG.warnf("Recording a source event failed, retrying until it works: id=%s project=%s error=%s",
                            event.id(), source.projectId(), failure.toString());
                    warned = true;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    /** {@code activity_source_events_total{topic, outcome}}: recorded, duplicate, refused (by the domain) or invalid. */
    private void count(String topic, String outcome) {
        metrics.counter("activity.source.events", "topic", topic, "outcome", outcome).increment();
    }

    private static ActivityProblem refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ActivityProblem problem) {
                return problem;
            }
        }
        return null;
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
