package dev.realtime.activity.messaging;

import dev.realtime.activity.domain.ActivityProblem;
import dev.realtime.activity.domain.ProjectService;
import dev.realtime.activity.messaging.SourceEvents.SourceActivity;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.eventstore.consumer.Blocking;
import dev.realtime.eventstore.consumer.ConsumerPolicy;
import dev.realtime.eventstore.consumer.RejectedEventException;
import dev.realtime.eventstore.tracing.Tracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code chat.events} and {@code records.events} (channel {@value #CHANNEL}, consumer group
 * {@code activity.sources.group-id}) and records the activities they carry, under the shared {@link ConsumerPolicy}:
 * the offset is committed only after the activity is stored, a database failure is retried until it works, and the
 * command id (source + CloudEvent id) makes a redelivery store nothing. A record that cannot be used (not a
 * CloudEvent, bad data, unknown project, actor not a member, archived project) is rejected: logged once and counted.
 */
@ApplicationScoped
public class SourceConsumer {
    static final String CHANNEL = "activity-sources";
    private static final Logger LOG = Logger.getLogger(SourceConsumer.class);

    @Inject
    ProjectService projects;

    @Inject
    ConsumerPolicy policy;

    @Inject
    MeterRegistry metrics;

    /** The outcomes of {@code activity_source_events_total}, each registered at start for every topic. */
    static final List<String> OUTCOMES = List.of("recorded", "duplicate", "refused", "invalid");

    void onStart(@Observes StartupEvent event) {
        policy.register(CHANNEL);
        for (String topic : ConsumerPolicy.channelTopics(CHANNEL)) {
            OUTCOMES.forEach(outcome -> metrics.counter("activity.source.events", "topic", topic, "outcome", outcome));
        }
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        return policy.process(CHANNEL, record, this::record);
    }

    void record(ConsumerRecord<String, byte[]> record, IntegrationEvent event) throws Exception {
        Optional<SourceActivity> activity;
        try {
            activity = SourceEvents.map(record.topic(), event);
        } catch (RuntimeException e) {
            count(record.topic(), "invalid");
            throw new RejectedEventException(e.getMessage(), e);
        }
        if (activity.isEmpty()) {
            return;
        }
        SourceActivity source = activity.get();
        ProjectService.Recorded recorded;
        // Taken here, where the consumer's span is current: the append's metadata names it as the parent.
        TraceParent trace = Tracing.currentOr(event.trace());
        try {
            recorded = Blocking.await(
                    () -> projects.recordCausedBy(source.projectId(), source.activity(), source.commandId(), source.source(),
                            event.id(), trace));
        } catch (Throwable failure) {
            ActivityProblem refused = refusal(failure);
            if (refused == null) {
                throw failure instanceof Exception e ? e : new IllegalStateException(failure);
            }
            count(record.topic(), "refused");
            throw new RejectedEventException("refused for project " + source.projectId() + ": " + refused.type() + ": "
                    + refused.getMessage());
        }
        if (recorded.duplicate()) {
            LOG.debugf("Source event already recorded: id=%s project=%s seq=%d", event.id(), source.projectId(),
                    recorded.seq());
        }
        count(record.topic(), recorded.duplicate() ? "duplicate" : "recorded");
    }

    private static ActivityProblem refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ActivityProblem problem) {
                return problem;
            }
        }
        return null;
    }

    /** {@code activity_source_events_total{topic, outcome}}: recorded, duplicate, refused (by the domain) or invalid. */
    private void count(String topic, String outcome) {
        metrics.counter("activity.source.events", "topic", topic, "outcome", outcome).increment();
    }
}
