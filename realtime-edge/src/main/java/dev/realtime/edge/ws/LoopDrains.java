package dev.realtime.edge.ws;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One per event loop: runs the drains the loop's connections asked for in one task. A fan-out that reaches 2,000
 * sessions from the Kafka thread then costs each event loop one task (however many frames it carries), where a
 * write per frame from another thread costs one task each.
 */
final class LoopDrains implements Runnable {
    private static final Logger LOG = Logger.getLogger(LoopDrains.class);
    /** A handful of event loops per Vert.x instance; a stopped one (a test's restart) is dropped when it refuses. */
    private static final Map<EventExecutor, LoopDrains> BY_LOOP = new ConcurrentHashMap<>();

    private final EventExecutor loop;
    private final Queue<Runnable> requested = new ConcurrentLinkedQueue<>();
    /** Requests added and not yet taken: a run takes only those there when it starts. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private LoopDrains(EventExecutor loop) {
        this.loop = loop;
    }

    static LoopDrains of(EventExecutor loop) {
        return BY_LOOP.computeIfAbsent(loop, LoopDrains::new);
    }

    void request(Runnable drain) {
        requested.add(drain);
        waiting.incrementAndGet();
        if (scheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                // The loop is shutting down, and its connections with it: nothing will be written any more.
                LOG.debugf("An event loop refused a drain: %s", e.toString());
                BY_LOOP.remove(loop, this);
                requested.clear();
            }
        }
    }

    @Override
    public void run() {
        // Cleared first: a drain requested from here on schedules a run of its own, so this one takes only what
        // is waiting now. Steady fan-out then cannot keep the loop from its sockets and timers.
        scheduled.set(false);
        for (int left = waiting.get(); left > 0; left--) {
            Runnable drain = requested.poll();
            if (drain == null) {
                return;
            }
            waiting.decrementAndGet();
            try {
                drain.run();
            } catch (RuntimeException e) {
                // One connection's failure must not cost the others on this loop their frames.
                LOG.errorf(e, "Writing to a connection failed");
            }
        }
    }
}
