package dev.realtime.notification.domain;

import dev.realtime.notification.config.NotificationConfig;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.eventstore.consumer.Blocking;
import dev.realtime.eventstore.tracing.Tracing;
import dev.realtime.notification.model.Draft;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers one source event's notifications to many inboxes. Every inbox is its own stream and the event store
 * takes one append per transaction, so a 1,000-member conversation is 1,000 appends: they run on a fixed pool
 * of workers (each append on its own Vert.x context, session and connection), below the size of the database
 * pool so REST calls always find connections. One fan-out keeps at most {@code notification.fanout.concurrency}
 * appends in flight and the pool has {@link #SPARE} workers more, so a single notification from another topic (or
 * another conversation's consumer) is not queued behind a 1,000-member burst. The consumer waits for the whole
 * fan-out before committing its offset; other topics and REST calls go on meanwhile.
 *
 * <p>Metrics: {@code notification_fanout_lag_seconds} (source event time → last notification of it appended),
 * {@code notification_fanout_recipients}, {@code notification_fanout_pending} (deliveries queued or running).
 */
@ApplicationScoped
@Startup // its metrics exist from the start, at 0, not from the first notification
public class Fanout {
    static final int SPARE = 4;

    public record Recipient(String userId, Draft draft) {
    }

    @Inject
    InboxService inbox;

    @Inject
    MeterRegistry registry;

    @Inject
    NotificationConfig config;

    private ExecutorService workers;
    private final AtomicLong pending = new AtomicLong();
    private Timer lag;
    private DistributionSummary recipients;

    @PostConstruct
    void start() {
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(config.fanout().concurrency() + SPARE, runnable -> {
            Thread thread = new Thread(runnable, "notification-fanout-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        registry.gauge("notification.fanout.pending", pending);
        lag = Timer.builder("notification.fanout.lag")
                .description("Time from a source event to the last notification it caused being stored")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        recipients = DistributionSummary.builder("notification.fanout.recipients").register(registry);
    }

    void stop(@Observes ShutdownEvent event) {
        workers.shutdownNow();
    }

    /** Blocks until every recipient's notification is stored (or failed); returns the new deliveries. */
    public List<InboxService.Delivery> deliver(List<Recipient> targets, Instant sourceTime) throws InterruptedException {
        return deliver(targets, sourceTime, null);
    }

    /**
     * The same, each notification continuing the source event's trace ({@code sourceTrace}, may be null): under the
     * consumer's span when there is one (taken here, on the consumer's thread; the workers have no tracing context).
     */
    public List<InboxService.Delivery> deliver(List<Recipient> targets, Instant sourceTime, TraceParent sourceTrace)
            throws InterruptedException {
        if (targets.isEmpty()) {
            return List.of();
        }
        TraceParent trace = Tracing.currentOr(sourceTrace);
        // The workers run each recipient's append under the consumer's span (its SQL spans too).
        Context tracing = Context.current();
        pending.addAndGet(targets.size());
        Semaphore window = new Semaphore(config.fanout().concurrency());
        List<Future<InboxService.Delivery>> futures = new ArrayList<>(targets.size());
        int submitted = 0;
        try {
            for (Recipient target : targets) {
                window.acquire();
                futures.add(workers.submit(tracing.wrap(() -> {
                    try {
                        return Blocking.await(() -> inbox.deliver(target.userId(),
                                trace == null ? target.draft() : target.draft().withTrace(trace)));
                    } finally {
                        pending.decrementAndGet();
                        window.release();
                    }
                })));
                submitted++;
            }
        } finally {
            pending.addAndGet(submitted - targets.size());
        }
        List<InboxService.Delivery> delivered = new ArrayList<>(targets.size());
        RuntimeException failure = null;
        for (Future<InboxService.Delivery> future : futures) {
            try {
                InboxService.Delivery delivery = future.get();
                if (!delivery.duplicate()) {
                    delivered.add(delivery);
                }
            } catch (ExecutionException e) {
                // Keep waiting for the others; the consumer retries the event and the delivered ones are skipped.
                failure = new IllegalStateException("fan-out failed for some recipients", e.getCause());
            }
        }
        recipients.record(targets.size());
        if (sourceTime != null) {
            lag.record(Duration.between(sourceTime, Instant.now()));
        }
        if (failure != null) {
            throw failure;
        }
        return delivered;
    }
}
