package dev.realtime.edge.memberships;

import dev.realtime.contracts.events.Topics;
import dev.realtime.edge.kafka.AllPartitionsReader;
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
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/** Runs the {@link MembershipFollower} on its own thread for the life of the application. */
@ApplicationScoped
public class MembershipService {
    private static final Logger LOG = Logger.getLogger(MembershipService.class);
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
    MeterRegistry meters;

    private volatile MembershipFollower follower;
    private volatile boolean running = true;
    private Thread thread;

    void start(@Observes StartupEvent event) {
        Gauge.builder("realtime.edge.memberships", index, MembershipIndex::size)
                .description("Memberships held in the index").register(meters);
        thread = new Thread(this::run, "edge-memberships");
        thread.start();
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
        provisioner.ensure(List.of(Topics.MEMBERSHIPS), true);
        Counter invalid = Counter.builder("realtime.edge.memberships.invalid")
                .description("Records on the membership topic that were skipped as invalid").register(meters);
        AllPartitionsReader reader = new AllPartitionsReader(clients.consumer("memberships", "earliest"),
                List.of(Topics.MEMBERSHIPS), AllPartitionsReader.Start.BEGINNING);
        try (MembershipFollower current = new MembershipFollower(reader, index,
                (room, user) -> revoked.fire(new MembershipRevoked(room, user)), invalid::increment)) {
            follower = current;
            while (running) {
                try {
                    current.step(POLL);
                } catch (WakeupException | InterruptedException e) {
                    break;
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    // Broker outages surface here; the index keeps serving what it has and reading resumes after.
                    LOG.warnf("Reading %s failed, retrying: %s", Topics.MEMBERSHIPS, e.toString());
                    if (!pause()) {
                        break;
                    }
                }
            }
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(1000);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        MembershipFollower current = follower;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            // wakeup() ends any blocking consumer call; interrupting would also break the consumer's own close().
            thread.join(5000);
        }
    }
}
