package dev.realtime.eventstore.consumer;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.eventstore.tracing.Tracing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The one policy of every service that consumes Kafka, used from an {@code @Incoming} method of Quarkus Messaging:
 * <pre>
 * &#64;Incoming("my-channel")
 * Uni&lt;Void&gt; consume(ConsumerRecord&lt;String, byte[]&gt; record) {
 *     return policy.process("my-channel", record, this::handle);
 * }
 * </pre>
 * The returned Uni completes only once the event's effect is stored, and the connector (commit strategy
 * {@code throttled}) commits an offset only after every record up to it completed, so a crash or a rebalance
 * redelivers instead of losing; handlers are idempotent by event id, so a redelivery stores nothing twice.
 *
 * <ul>
 * <li>A record that is not a valid CloudEvent, or that the handler rejects ({@link RejectedEventException},
 * {@link InvalidEventException}, {@link InvalidRoomException}: its data breaks the contract, or the domain refuses
 * it), is logged once at WARN, counted ({@code consumer_events_total{outcome="rejected"}}) and passed; retrying
 * cannot change the answer.</li>
 * <li>Any other failure is a dependency failure (the database down or refusing connections, the pool exhausted, a
 * timeout): the same event is tried again, for ever, after a backoff doubling from
 * {@code eventstore.consumer.retry.initial-backoff} to {@code eventstore.consumer.retry.max-backoff}. Later records
 * wait behind it, which keeps a room's order; the connector pauses the partitions and keeps polling meanwhile, so
 * the consumer stays in its group however long the outage lasts. One WARN when a consumer stalls, one INFO when it
 * recovers; {@code consumer_stalled_seconds} and the readiness check {@code kafka-consumers} show the stall.</li>
 * </ul>
 * The handler runs on a worker thread and may block.
 */
@ApplicationScoped
public class ConsumerPolicy {
    private static final Logger LOG = Logger.getLogger(ConsumerPolicy.class);
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** What a consumer does with one event; runs on a worker thread, may block, must be idempotent by event id. */
    @FunctionalInterface
    public interface Handler {
        void handle(ConsumerRecord<String, byte[]> record, IntegrationEvent event) throws Exception;
    }

    /** Where a consumer is stuck on one partition: since when, on which record, with which last error. */
    public record Stall(String consumer, Instant since, String record, String eventId, long attempts, String lastError) {
    }

    @Inject
    ConsumerConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    Tracing tracing;

    /** By consumer and partition: a consumer with several clients (concurrency) stalls per partition. */
    private final Map<String, Stall> stalls = new ConcurrentHashMap<>();
    private final Map<String, Boolean> gauges = new ConcurrentHashMap<>();

    public Uni<Void> process(String consumer, ConsumerRecord<String, byte[]> record, Handler handler) {
        IntegrationEvent event;
        try {
            event = CloudEventCodec.fromRecord(record);
        } catch (RuntimeException e) {
            reject(consumer, record, null, e);
            return Uni.createFrom().voidItem();
        }
        Span span = startSpan(consumer, record, event);
        return Uni.createFrom().<Void>item(() -> {
                    // The handler's appends continue the trace under this span (Tracing.currentOr).
                    try (Scope scope = span == null ? null : span.makeCurrent()) {
                        handler.handle(record, event);
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new HandlerFailure(e);
                    }
                    return null;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure(failure -> rejection(failure) == null).invoke(failure -> {
                    failed(consumer, record, event, failure);
                    if (span != null) {
                        span.addEvent("retry", Attributes.of(ERROR_TYPE, failure.getClass().getName()));
                    }
                })
                .onFailure(failure -> rejection(failure) == null).retry()
                .withBackOff(config.retry().initialBackoff(), config.retry().maxBackoff()).withJitter(0.2).indefinitely()
                .onItem().invoke(() -> succeeded(consumer, record, event))
                .onFailure().recoverWithItem(failure -> {
                    reject(consumer, record, event, rejection(failure));
                    if (span != null) {
                        span.setStatus(StatusCode.ERROR, "rejected");
                    }
                    return null;
                })
                .onTermination().invoke(() -> {
                    if (span != null) {
                        span.end();
                    }
                });
    }

    /**
     * One CONSUMER span per record and consumer, under the producer's span (the record's {@code traceparent}): it lasts
     * until the record is handled or rejected, so a stalled consumer shows as a long span with a {@code retry} event
     * per attempt. Null when tracing is off or the producer's trace is not sampled.
     */
    private Span startSpan(String consumer, ConsumerRecord<String, byte[]> record, IntegrationEvent event) {
        return tracing.startUnder(CloudEventCodec.hopTrace(record.headers()), "process " + record.topic(),
                SpanKind.CONSUMER, builder -> builder
                        .setAttribute("messaging.system", "kafka")
                        .setAttribute("messaging.operation.type", "process")
                        .setAttribute("messaging.destination.name", record.topic())
                        .setAttribute("realtime.consumer", consumer)
                        .setAttribute("messaging.destination.partition.id", String.valueOf(record.partition()))
                        .setAttribute("messaging.kafka.offset", record.offset())
                        .setAttribute("cloudevents.event_id", event.id())
                        .setAttribute("cloudevents.event_type", event.type()));
    }

    /** The stalls right now, one per consumer and partition. */
    public Collection<Stall> stalls() {
        return List.copyOf(stalls.values());
    }

    private void reject(String consumer, ConsumerRecord<String, byte[]> record, IntegrationEvent event, Throwable reason) {
        LOG.warnf("Rejected record: consumer=%s record=%s id=%s type=%s reason=%s", consumer, position(record),
                event == null ? null : event.id(), event == null ? null : event.type(),
                reason == null ? null : reason.getMessage());
        stalls.remove(key(consumer, record));
        count(consumer, record.topic(), "rejected");
    }

    private void failed(String consumer, ConsumerRecord<String, byte[]> record, IntegrationEvent event, Throwable failure) {
        Throwable cause = failure instanceof HandlerFailure ? failure.getCause() : failure;
        String key = key(consumer, record);
        Stall before = stalls.get(key);
        Instant since = before == null ? Instant.now() : before.since();
        long attempts = before == null ? 1 : before.attempts() + 1;
        register(consumer);
        stalls.put(key, new Stall(consumer, since, position(record), event.id(), attempts, cause.toString()));
        registry.counter("consumer.retries", "consumer", consumer, "topic", record.topic()).increment();
        if (before == null) {
            LOG.warnf("Consumer stalled, retrying until the dependency is back: consumer=%s record=%s id=%s type=%s error=%s",
                    consumer, position(record), event.id(), event.type(), cause.toString());
        } else {
            LOG.debugf("Consumer still stalled: consumer=%s record=%s attempt=%d error=%s", consumer, position(record),
                    attempts + 1, cause.toString());
        }
    }

    private void succeeded(String consumer, ConsumerRecord<String, byte[]> record, IntegrationEvent event) {
        Stall stall = stalls.remove(key(consumer, record));
        if (stall != null) {
            LOG.infof("Consumer recovered: consumer=%s record=%s id=%s attempts=%d stalled=%s", consumer,
                    position(record), event.id(), stall.attempts() + 1, Duration.between(stall.since(), Instant.now()));
        }
        count(consumer, record.topic(), "handled");
    }

    private void count(String consumer, String topic, String outcome) {
        registry.counter("consumer.events", "consumer", consumer, "topic", topic, "outcome", outcome).increment();
    }

    /**
     * Registers {@code consumer_stalled_seconds{consumer}}: how long the consumer has been retrying one event (its
     * oldest stall over its partitions), 0 when it flows; and, for each topic of the channel named {@code consumer},
     * {@code consumer_events_total{outcome="handled"|"rejected"}} and {@code consumer_retries_total}. Called at start
     * so dashboards and alerts see 0 rather than nothing until the first event.
     */
    public void register(String consumer) {
        gauges.computeIfAbsent(consumer, name -> {
            for (String topic : channelTopics(name)) {
                registry.counter("consumer.retries", "consumer", name, "topic", topic);
                for (String outcome : List.of("handled", "rejected")) {
                    registry.counter("consumer.events", "consumer", name, "topic", topic, "outcome", outcome);
                }
            }
            Gauge.builder("consumer.stalled.seconds", stalls, all -> all.values().stream()
                            .filter(stall -> stall.consumer().equals(name))
                            .mapToDouble(stall -> Duration.between(stall.since(), Instant.now()).toMillis() / 1000.0)
                            .max().orElse(0))
                    .tag("consumer", name)
                    .description("How long the consumer has been retrying one event because a dependency fails; 0 when it flows")
                    .register(registry);
            return Boolean.TRUE;
        });
    }

    /**
     * The topics Quarkus Messaging reads for an incoming channel: its {@code topics} list, else its {@code topic},
     * else the channel's name (the Kafka connector's default).
     */
    public static List<String> channelTopics(String channel) {
        Config config = ConfigProvider.getConfig();
        String prefix = "mp.messaging.incoming." + channel + ".";
        return config.getOptionalValue(prefix + "topics", String.class)
                .or(() -> config.getOptionalValue(prefix + "topic", String.class))
                .map(topics -> Arrays.stream(topics.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList())
                .orElse(List.of(channel));
    }

    private static String key(String consumer, ConsumerRecord<?, ?> record) {
        return consumer + " " + record.topic() + "-" + record.partition();
    }

    private static Throwable rejection(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RejectedEventException || t instanceof InvalidEventException || t instanceof InvalidRoomException) {
                return t;
            }
        }
        return null;
    }

    private static String position(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /** A checked exception of a handler, carried through Mutiny. */
    private static final class HandlerFailure extends RuntimeException {
        HandlerFailure(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }
}
