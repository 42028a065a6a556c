package dev.realtime.eventstore.store;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Tells the relay that an append committed, so that it publishes at once instead of at its next poll.
 *
 * <p>Not with a NOTIFY in the append's transaction (what a trigger on {@code es_events} did before): a transaction
 * that notifies takes a lock on the whole PostgreSQL cluster in its commit and holds it until the commit is
 * flushed, so every appending transaction of every service on the cluster committed one after the other, each
 * waiting for its own WAL flush, and group commit never happened. Instead:
 * <ul>
 * <li>when this instance's relay is the one publishing (the usual case with one instance), the writer wakes it in
 * this JVM;</li>
 * <li>otherwise the publishing relay runs in another instance: this one sends {@code NOTIFY es_events} after the
 * commit, in a transaction of its own with {@code synchronous_commit} off (it writes nothing worth a flush, so the
 * lock is held for microseconds), at most one at a time (commits meanwhile are covered by the next one).</li>
 * </ul>
 * A lost signal costs latency, never an event: the relay also looks every {@code eventstore.relay.poll-interval}.
 */
@ApplicationScoped
public class CommitSignal {
    private static final Logger LOG = Logger.getLogger(CommitSignal.class);
    /** The relay's side (it listens on this channel): not for the services. */
    public static final String CHANNEL = "es_events";

    private final Object monitor = new Object();
    private boolean signalled;
    private volatile boolean localRelayPublishes;
    private final AtomicBoolean notifyInFlight = new AtomicBoolean();
    private volatile boolean notifyAgain;
    private volatile boolean notifyFailing;

    @Inject
    Instance<Pool> pools;

    /**
     * Called by the writers after every transaction that may have appended, committed or not (cheap when it did not):
     * a rollback can release events that a younger committed transaction's signal found held back behind it.
     */
    public void committed() {
        if (localRelayPublishes) {
            synchronized (monitor) {
                signalled = true;
                monitor.notifyAll();
            }
        } else {
            notifyOtherInstance();
        }
    }

    /**
     * Whether the relay of this instance is the one publishing (it holds the relay's leadership lock). The relay's
     * side, like {@link #await}: public because the relay is in its own package; services only append.
     */
    public void localRelayPublishes(boolean publishes) {
        localRelayPublishes = publishes;
    }

    /** Waits until a commit is signalled or {@code timeoutMillis} passed; true when one was, and clears it. */
    public boolean await(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (monitor) {
            long left;
            while (!signalled && (left = deadline - System.nanoTime()) > 0) {
                monitor.wait(Math.max(1, left / 1_000_000L));
            }
            boolean was = signalled;
            signalled = false;
            return was;
        }
    }

    private void notifyOtherInstance() {
        if (pools == null || !pools.isResolvable()) {
            return;
        }
        notifyAgain = true;
        if (!notifyInFlight.compareAndSet(false, true)) {
            return;
        }
        notifyAgain = false;
        try {
            pools.get().withTransaction(connection -> connection.query("SET LOCAL synchronous_commit TO off").execute()
                            .chain(() -> connection.query("SELECT pg_notify('" + CHANNEL + "', '')").execute()))
                    .subscribe().with(done -> notified(), this::notifyFailed);
        } catch (RuntimeException e) {
            notifyFailed(e);
        }
    }

    private void notifyFailed(Throwable failure) {
        if (!notifyFailing) {
            // Once per outage: every commit would log it again.
            notifyFailing = true;
            LOG.warnf("Could not notify the publishing relay (%s); it finds the events at its next poll",
                    failure.getMessage());
        }
        notifyInFlight.set(false);
    }

    private void notified() {
        notifyFailing = false;
        notifyInFlight.set(false);
        if (notifyAgain) {
            notifyOtherInstance();
        }
    }
}
