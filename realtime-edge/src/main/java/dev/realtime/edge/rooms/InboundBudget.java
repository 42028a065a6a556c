package dev.realtime.edge.rooms;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketListener;
import io.github.bucket4j.MathType;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.ThreadUnsafeBucket;
import java.time.Duration;

/**
 * A connection's inbound frame budget ({@code realtime.limits.frames-per-second} on average, bursts of
 * {@code realtime.limits.frame-burst}): text frames, and the pings and pongs the client sends, all draw from it.
 * It lives as long as the socket, from the upgrade on, so frames count before the session exists.
 */
public final class InboundBudget {
    private final Bucket bucket;
    private int refusedInARow;

    private InboundBudget(BucketConfiguration configuration) {
        // Only ever used under this budget's monitor (take): it needs no synchronisation of its own.
        this.bucket = new ThreadUnsafeBucket(configuration, MathType.INTEGER_64_BITS, TimeMeter.SYSTEM_MILLISECONDS,
                BucketListener.NOPE);
    }

    /**
     * Takes one frame from the budget.
     *
     * @return 0 when the frame may be handled, otherwise how many frames in a row were refused so far
     */
    public synchronized int take() {
        if (bucket.tryConsume(1)) {
            refusedInARow = 0;
            return 0;
        }
        return ++refusedInARow;
    }

    /**
     * The limits every connection's budget follows: one bucket configuration shared by all their buckets (one per
     * connection was about 130 bytes of every idle connection, issue 18), never what each has spent of it.
     */
    public static final class Rate {
        private final BucketConfiguration configuration;

        public Rate(int framesPerSecond, int frameBurst) {
            this.configuration = BucketConfiguration.builder()
                    .addLimit(Bandwidth.builder().capacity(frameBurst)
                            .refillGreedy(framesPerSecond, Duration.ofSeconds(1)).build())
                    .build();
        }

        /** A new connection's budget, full. */
        public InboundBudget newBudget() {
            return new InboundBudget(configuration);
        }
    }
}
