package dev.realtime.edge.memberships;

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
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Runs the {@link MembershipFollower} on its own thread for the life of the application. */
@ApplicationScoped
public class MembershipService {
    private static final Duration POLL = Duration.ofMillis(500);

    @Inject
    KafkaClients clients;
    @Inject
    TopicProvisioner provisioner;
    @Inject
    MembershipIndex index;
    @Inject
    Event<MembershipRevoked> revoked;
    @Inject
    Event<MembershipGranted> granted;
    @Inject
    MeterRegistry meters;

    private volatile MembershipFollower follower;
    private final ConsumerLoop loop = new ConsumerLoop("edge-memberships", "Reading " + Topics.MEMBERSHIPS);

    void start(@Observes StartupEvent event) {
        Gauge.builder("realtime.edge.memberships", index, MembershipIndex::size)
                .description("Memberships held in the index").register(meters);
        loop.start(this::run);
    }

    public boolean caughtUp() {
        MembershipFollower current = follower;
        return current != null && current.status().caughtUp();
    }

    public MembershipFollower.Status status() {
        MembershipFollower current = follower;
        return current == null ? new MembershipFollower.Status(false, -1, Set.of(Topics.MEMBERSHIPS), 0) : current.status();
    }

    private void run() {
        provisioner.ensure(List.of(Topics.MEMBERSHIPS));
        Counter invalid = Counter.builder("realtime.edge.memberships.invalid")
                .description("Records on the membership topic that were skipped as invalid").register(meters);
        AllPartitionsReader reader = new AllPartitionsReader(clients.consumer("memberships", "earliest"),
                List.of(Topics.MEMBERSHIPS), AllPartitionsReader.Start.BEGINNING);
        try (MembershipFollower current = new MembershipFollower(reader, index,
                (room, user) -> granted.fire(new MembershipGranted(room, user)),
                (room, user) -> revoked.fire(new MembershipRevoked(room, user)), invalid::increment)) {
            follower = current;
            // Broker outages surface in step(); the index keeps serving what it has and reading resumes after.
            loop.repeat(current::wakeup, () -> current.step(POLL));
        }
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop();
    }
}
