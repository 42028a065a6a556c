package dev.realtime.edge.lifecycle;

import dev.realtime.contracts.connections.ConnectionEvent;
import dev.realtime.contracts.connections.ConnectionEventTypes;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.StorableText;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.kafka.BackgroundSender;
import dev.realtime.edge.kafka.KafkaClients;
import dev.realtime.edge.kafka.TopicProvisioner;
import dev.realtime.edge.rooms.Session;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Publishes the connection lifecycle on {@code realtime.connections} (contracts' {@link ConnectionEventTypes}): opened,
 * closed with its code, refused, subscription refused, token expired. Best effort and never on the caller's path: the
 * records leave through a bounded queue and one thread; when Kafka is away they are dropped and counted
 * ({@code realtime_edge_lifecycle_events_total{type, outcome}}), and the connection is not affected.
 */
@ApplicationScoped
public class ConnectionEvents {
    private static final Logger LOG = Logger.getLogger(ConnectionEvents.class);
    static final int QUEUE = 10_000;
    static final int MAX_USER_AGENT = 256;
    static final int MAX_ORIGIN = 256;
    private static final java.util.regex.Pattern LITERAL_ADDRESS =
            java.util.regex.Pattern.compile("[0-9.]{7,15}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    @Inject
    KafkaClients clients;
    @Inject
    TopicProvisioner provisioner;
    @Inject
    EdgeConfig config;
    @Inject
    MeterRegistry meters;

    private final Map<String, Counter> counters = new HashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile BackgroundSender sender;
    private URI source;

    void start(@Observes StartupEvent event) {
        for (String type : ConnectionEventTypes.ALL) {
            for (String outcome : List.of("published", "dropped", "failed")) {
                counters.put(type + " " + outcome, Counter.builder("realtime.edge.lifecycle.events")
                        .description("Connection lifecycle events for realtime.connections, by what became of them")
                        .tag("type", type).tag("outcome", outcome).register(meters));
            }
        }
        source = URI.create("/realtime-edge/" + clients.instanceId());
        if (!config.lifecycle().enabled()) {
            return;
        }
        BackgroundSender created = new BackgroundSender("edge-lifecycle-sender", clients.producer("connections"),
                QUEUE, new BackgroundSender.Outcomes() {
                    @Override
                    public void published(ProducerRecord<String, byte[]> record) {
                        count(record, "published");
                    }

                    @Override
                    public void dropped(ProducerRecord<String, byte[]> record) {
                        count(record, "dropped");
                        warnOnce("the queue is full");
                    }

                    @Override
                    public void failed(ProducerRecord<String, byte[]> record, Exception failure) {
                        count(record, "failed");
                        warnOnce(failure.toString());
                    }
                });
        // The edge only writes this topic; where it may create topics, it makes sure it exists before the first event.
        created.execute(() -> provisioner.ensure(List.of(Topics.CONNECTIONS)));
        sender = created;
    }

    /** A session opened; {@code resumeSince} is the upgrade's {@code since}, or null. */
    public void opened(Session session, String origin, String userAgent, String remoteAddress, Long resumeSince) {
        publish(ConnectionEventTypes.OPENED, session.user(), ConnectionEvent.of(session.id(), session.user(),
                        clients.instanceId(), session.openedAt())
                .opened(text(origin, MAX_ORIGIN), text(userAgent, MAX_USER_AGENT), address(remoteAddress),
                        resumeSince));
    }

    /** A session ended: the edge's own close code if it closed, else the client's. */
    public void closed(Session session, int code, String reason, String initiatedBy) {
        publish(ConnectionEventTypes.CLOSED, session.user(), base(session.id(), session.user())
                .closed(session.openedAt(), code, text(reason, 123), initiatedBy));
    }

    /** An upgrade refused right after it was accepted (too many connections of the user here). */
    public void refused(String connectionId, String user, int code, String reason) {
        publish(ConnectionEventTypes.REFUSED, user, base(connectionId, user).refused(code, reason));
    }

    /** A subscribe refused; {@code room} null when the name did not parse (never echoed back unparsed). */
    public void subscriptionRefused(Session session, Room room, String error) {
        publish(ConnectionEventTypes.SUBSCRIPTION_REFUSED, session.user(), base(session.id(), session.user())
                .subscriptionRefused(room == null ? null : room.name(), error));
    }

    /** The session's token expired; the close with 4001 follows. */
    public void tokenExpired(Session session) {
        publish(ConnectionEventTypes.TOKEN_EXPIRED, session.user(), base(session.id(), session.user())
                .tokenExpired(session.expiresAt()));
    }

    private ConnectionEvent base(String connectionId, String user) {
        return ConnectionEvent.of(connectionId, user, clients.instanceId(), Instant.now());
    }

    private void publish(String type, String user, ConnectionEvent data) {
        BackgroundSender current = sender;
        if (current == null) {
            return;
        }
        IntegrationEvent event = new IntegrationEvent(UUID.randomUUID().toString(), source, type,
                OffsetDateTime.ofInstant(data.at(), ZoneOffset.UTC), Room.user(user), null, user, Json.write(data));
        current.send(CloudEventCodec.toRecord(Topics.CONNECTIONS, event));
    }

    private void count(ProducerRecord<String, byte[]> record, String outcome) {
        var header = record.headers().lastHeader("ce_type");
        Counter counter = header == null ? null
                : counters.get(new String(header.value(), java.nio.charset.StandardCharsets.UTF_8) + " " + outcome);
        if (counter != null) {
            counter.increment();
        }
    }

    private void warnOnce(String why) {
        if (warned.compareAndSet(false, true)) {
            LOG.warnf("Could not publish a connection event to %s (%s); further failures are only counted in "
                    + "realtime_edge_lifecycle_events_total", Topics.CONNECTIONS, why);
        }
    }

    /** Client-supplied text: cut to {@code max} characters, and dropped if consumers could not store it. */
    static String text(String value, int max) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        String cut = value.length() > max ? value.substring(0, max) : value;
        if (Character.isHighSurrogate(cut.charAt(cut.length() - 1))) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return StorableText.isStorable(cut) ? cut : null;
    }

    /** The client's address as configured: its network (/24, /48), all of it, or nothing. */
    String address(String remote) {
        if (remote == null || config.lifecycle().remoteAddress() == EdgeConfig.Lifecycle.RemoteAddress.OFF) {
            return null;
        }
        String host = hostOf(remote);
        if (!LITERAL_ADDRESS.matcher(host).matches()) {
            return null; // not an IP literal: never resolve a name here
        }
        InetAddress address;
        try {
            // A literal address (Vert.x gives the peer's IP): no name lookup happens.
            address = InetAddress.getByName(host);
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
        if (config.lifecycle().remoteAddress() == EdgeConfig.Lifecycle.RemoteAddress.FULL) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int keep = bytes.length == 4 ? 3 : 6;
        for (int i = keep; i < bytes.length; i++) {
            bytes[i] = 0;
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + keep * 8;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@code 203.0.113.7:51234}, {@code [2001:db8::1]:51234} or a bare address → the address. */
    static String hostOf(String remote) {
        if (remote.startsWith("[")) {
            int end = remote.indexOf(']');
            return end > 0 ? remote.substring(1, end) : remote;
        }
        int colon = remote.indexOf(':');
        if (colon > 0 && colon == remote.lastIndexOf(':')) {
            return remote.substring(0, colon);
        }
        return remote;
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        BackgroundSender current = sender;
        sender = null;
        if (current != null) {
            // The closes of the shutdown (1001) are queued last: give them the drain.
            current.close(Duration.ofSeconds(3));
        }
    }
}
