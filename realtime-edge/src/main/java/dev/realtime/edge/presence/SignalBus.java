package dev.realtime.edge.presence;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.contracts.signals.PresenceSignal;
import dev.realtime.contracts.signals.SignalTypes;
import dev.realtime.contracts.signals.TypingSignal;
import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.kafka.AllPartitionsReader;
import dev.realtime.edge.kafka.BackgroundSender;
import dev.realtime.edge.kafka.ConsumerLoop;
import dev.realtime.edge.kafka.KafkaClients;
import dev.realtime.edge.kafka.TopicProvisioner;
import dev.realtime.edge.protocol.CloseCodes;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * The edge's side of {@code realtime.signals}: publishes this instance's presence and typing signals (and the server
 * API's disconnects) and reads every instance's (its own included, so local and remote users take the same path). Reading starts one presence
 * TTL back, so a fresh instance knows at once who is online elsewhere.
 */
@ApplicationScoped
public class SignalBus {
    private static final Logger LOG = Logger.getLogger(SignalBus.class);
    private static final URI SOURCE = URI.create("/realtime-edge");
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);
    /**
     * Edge-internal: "close this user's connections everywhere" (server API). Not in contracts' SignalTypes because
     * no other service reads it; readers of realtime.signals ignore types they do not know.
     */
    public static final String DISCONNECT = "realtime.disconnect.v1";
    /** Signals older than this are history, not commands: a restarted instance must not replay a disconnect. */
    private static final Duration DISCONNECT_MAX_AGE = Duration.ofSeconds(30);

    @Inject
    KafkaClients clients;
    @Inject
    TopicProvisioner provisioner;
    @Inject
    PresenceService presence;
    @Inject
    TypingRelay typing;
    @Inject
    EdgeConfig config;
    @Inject
    RoomRegistry rooms;

    private final ConsumerLoop loop = new ConsumerLoop("edge-signals", "Reading " + Topics.SIGNALS);
    private final AtomicBoolean warnedPublish = new AtomicBoolean();
    private final AtomicBoolean warnedInvalid = new AtomicBoolean();
    private volatile BackgroundSender sender;

    void start(@Observes @Priority(10) StartupEvent event) {
        sender = new BackgroundSender("edge-signal-sender", clients.producer("signals"), 10_000,
                new BackgroundSender.Outcomes() {
                    @Override
                    public void published(ProducerRecord<String, byte[]> record) {
                    }

                    @Override
                    public void dropped(ProducerRecord<String, byte[]> record) {
                        publishFailed(new IllegalStateException("signal queue full"));
                    }

                    @Override
                    public void failed(ProducerRecord<String, byte[]> record, Exception failure) {
                        publishFailed(failure);
                    }
                });
        loop.start(this::run);
    }

    public String instanceId() {
        return clients.instanceId();
    }

    void publishPresence(PresenceSignal signal) {
        publish(new IntegrationEvent(UUID.randomUUID().toString(), SOURCE, SignalTypes.PRESENCE.ceType(),
                OffsetDateTime.ofInstant(signal.at(), ZoneOffset.UTC), Room.user(signal.userId()), null,
                signal.userId(), Json.write(signal)));
    }

    void publishTyping(TypingSignal signal) {
        publish(new IntegrationEvent(UUID.randomUUID().toString(), SOURCE, SignalTypes.TYPING.ceType(),
                OffsetDateTime.ofInstant(signal.at(), ZoneOffset.UTC), Room.parse(signal.room()), null,
                signal.userId(), Json.write(signal)));
    }

    /** Asks every instance, this one included, to close the user's connections with 4003. */
    public void publishDisconnect(String user) {
        publish(new IntegrationEvent(UUID.randomUUID().toString(), SOURCE, DISCONNECT, OffsetDateTime.now(),
                Room.user(user), null, null, Json.write(Map.of("userId", user))));
    }

    private void publish(IntegrationEvent event) {
        BackgroundSender current = sender;
        if (current != null) {
            current.send(CloudEventCodec.toRecord(Topics.SIGNALS, event));
        }
    }

    private void publishFailed(Exception failure) {
        if (warnedPublish.compareAndSet(false, true)) {
            LOG.warnf("Could not publish a signal to %s (%s); further failures are logged at DEBUG",
                    Topics.SIGNALS, failure.toString());
        } else {
            LOG.debugf("Could not publish a signal: %s", failure.toString());
        }
    }

    private void run() {
        provisioner.ensure(List.of(Topics.SIGNALS));
        try (AllPartitionsReader reader = new AllPartitionsReader(clients.consumer("signals", "latest"),
                List.of(Topics.SIGNALS), AllPartitionsReader.Start.RECENT).lookBack(config.presence().ttl())) {
            long[] lastRefresh = {0};
            loop.repeat(reader::wakeup, () -> {
                if (!reader.missingTopics().isEmpty()
                        || System.nanoTime() - lastRefresh[0] > REFRESH_INTERVAL.toNanos()) {
                    reader.refresh(METADATA_TIMEOUT);
                    lastRefresh[0] = System.nanoTime();
                }
                if (reader.assigned().isEmpty()) {
                    Thread.sleep(POLL.toMillis());
                    return;
                }
                for (ConsumerRecord<String, byte[]> record : reader.poll(POLL)) {
                    handle(record);
                }
            });
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        try {
            IntegrationEvent event = CloudEventCodec.fromRecord(record);
            if (SignalTypes.PRESENCE.ceType().equals(event.type())) {
                presence.apply(event.dataAs(PresenceSignal.class));
            } else if (SignalTypes.TYPING.ceType().equals(event.type())) {
                typing.relay(event.dataAs(TypingSignal.class));
            } else if (DISCONNECT.equals(event.type()) && event.time() != null
                    && event.time().toInstant().isAfter(Instant.now().minus(DISCONNECT_MAX_AGE))) {
                disconnectLocally(event.room().id());
            }
        } catch (RuntimeException e) {
            if (warnedInvalid.compareAndSet(false, true)) {
                LOG.warnf("Skipped an invalid signal at %s-%d@%d (%s); further ones are logged at DEBUG",
                        record.topic(), record.partition(), record.offset(), e.getMessage());
            } else {
                LOG.debugf("Skipped an invalid signal at %s-%d@%d (%s)",
                        record.topic(), record.partition(), record.offset(), e.getMessage());
            }
        }
    }

    private void disconnectLocally(String user) {
        int closed = 0;
        for (Session session : rooms.sessions()) {
            if (session.user().equals(user) && !session.isClosing()) {
                session.close(CloseCodes.DISCONNECTED_BY_SERVICE, "disconnected by the server");
                closed++;
            }
        }
        if (closed > 0) {
            LOG.infof("Disconnected user %s on request of a service (%d connections here)", user, closed);
        }
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop();
        // The last announcements (zero connections on shutdown) are queued here: let them out first.
        BackgroundSender current = sender;
        sender = null;
        if (current != null) {
            current.close(Duration.ofSeconds(3));
        }
    }
}
