package dev.realtime.notification.messaging;

import dev.realtime.contracts.events.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts the consumers of the source topics, each in the group {@code notification.consumer.group-id}. chat.events
 * gets {@code notification.consumer.chat-consumers} consumers, so a burst on one partition (a big conversation's
 * fan-out) does not hold up the conversations of the other partitions. Metric: {@code notification_consumer_lag}
 * (records not yet consumed, per topic).
 */
@ApplicationScoped
public class SourceConsumers {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "notification.consumer.group-id", defaultValue = "notification-service")
    String groupId;

    @ConfigProperty(name = "notification.consumer.chat-consumers", defaultValue = "3")
    int chatConsumers;

    @ConfigProperty(name = "notification.consumer.enabled", defaultValue = "true")
    boolean enabled;

    @Inject
    ChatEventsHandler chat;

    @Inject
    ActivityEventsHandler activity;

    @Inject
    RecordsHandler records;

    @Inject
    PresenceHandler presence;

    @Inject
    MeterRegistry registry;

    private final List<TopicConsumer> consumers = new ArrayList<>();
    /** Per consumer ({@code topic#index}): its records not yet consumed; summed per topic by the gauge. */
    private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        for (int i = 0; i < chatConsumers; i++) {
            start(Topics.CHAT_EVENTS, chat::handle, i);
        }
        start(Topics.ACTIVITY_EVENTS, activity::handle, 0);
        start(Topics.RECORDS_EVENTS, records::handle, 0);
        start(Topics.SIGNALS, presence::handle, 0);
    }

    private void start(String topic, TopicConsumer.Handler handler, int index) {
        AtomicLong lag = new AtomicLong();
        lags.put(topic + "#" + index, lag);
        if (index == 0) {
            Gauge.builder("notification.consumer.lag", lags, all -> all.entrySet().stream()
                            .filter(entry -> entry.getKey().startsWith(topic + "#"))
                            .mapToLong(entry -> entry.getValue().get()).sum())
                    .tag("topic", topic)
                    .description("Records of the topic not yet consumed by this instance")
                    .register(registry);
        }
        TopicConsumer consumer = new TopicConsumer(bootstrapServers, groupId, topic, handler, lag);
        consumers.add(consumer);
        Thread thread = new Thread(consumer, "notification-consumer-" + topic + "-" + index);
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        consumers.forEach(TopicConsumer::stop);
    }
}
