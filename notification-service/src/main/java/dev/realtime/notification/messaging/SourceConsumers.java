package dev.realtime.notification.messaging;

import dev.realtime.eventstore.consumer.ConsumerPolicy;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The consumers of the source topics: one Quarkus Messaging channel per topic, all in the consumer group
 * {@code notification.consumer.group-id}, each under the shared {@link ConsumerPolicy} (offsets committed only after
 * the notifications are stored, a database failure retried until it works, bad records rejected once and counted).
 * chat.events has {@code notification.consumer.chat-consumers} copies of its channel, each its own Kafka consumer,
 * so a burst on one partition (a big conversation's fan-out) does not hold up the conversations of the others.
 * The handlers block on the fan-out on purpose (bounded concurrency, the offset only after the last append); the
 * policy runs them on worker threads.
 */
@ApplicationScoped
public class SourceConsumers {
    static final String CHAT = "notification-chat";
    static final String ACTIVITY = "notification-activity";
    static final String RECORDS = "notification-records";
    static final String SIGNALS = "notification-signals";
    static final String CONNECTIONS = "notification-connections";

    @Inject
    ConsumerPolicy policy;

    @Inject
    ChatEventsHandler chat;

    @Inject
    ActivityEventsHandler activity;

    @Inject
    RecordsHandler records;

    @Inject
    PresenceHandler presence;

    @Inject
    ConnectionsHandler connections;

    void start(@Observes StartupEvent event) {
        List.of(CHAT, ACTIVITY, RECORDS, SIGNALS, CONNECTIONS).forEach(policy::register);
    }

    @Incoming(CHAT)
    public Uni<Void> chat(ConsumerRecord<String, byte[]> record) {
        return policy.process(CHAT, record, (r, event) -> chat.handle(event));
    }

    @Incoming(ACTIVITY)
    public Uni<Void> activity(ConsumerRecord<String, byte[]> record) {
        return policy.process(ACTIVITY, record, (r, event) -> activity.handle(event));
    }

    @Incoming(RECORDS)
    public Uni<Void> records(ConsumerRecord<String, byte[]> record) {
        return policy.process(RECORDS, record, (r, event) -> records.handle(event));
    }

    @Incoming(SIGNALS)
    public Uni<Void> signals(ConsumerRecord<String, byte[]> record) {
        return policy.process(SIGNALS, record, (r, event) -> presence.handle(event));
    }

    @Incoming(CONNECTIONS)
    public Uni<Void> connections(ConsumerRecord<String, byte[]> record) {
        return policy.process(CONNECTIONS, record, (r, event) -> connections.handle(event));
    }
}
