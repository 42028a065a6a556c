package dev.realtime.edge.rooms;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * A connection's inbound frame budget ({@code realtime.limits.frames-per-second} on average, bursts of
 * {@code realtime.limits.frame-burst}): text frames, and the pings and pongs the client sends, all draw from it.
 * It lives as long as the socket, from the upgrade on, so frames count before the session exists.
 */
public final class InboundBudget {
    private final Bucket bucket;
    private int refusedInARow;

    public InboundBudget(int framesPerSecond, int frameBurst) {
        this.bucket = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(frameBurst)
                        .refillGreedy(framesPerSecond, Duration.ofSeconds(1)).build())
                .build();
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
}
