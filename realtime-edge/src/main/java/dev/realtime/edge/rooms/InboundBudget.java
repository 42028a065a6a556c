package dev.realtime.edge.rooms;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A connection's inbound frame budget ({@code realtime.limits.frames-per-second} on average, bursts of
 * {@code realtime.limits.frame-burst}): text frames, and the pings and pongs the client sends, all draw from it.
 * It lives as long as the socket, from the upgrade on, so frames count before the session exists.
 *
 * <p>A token bucket with greedy refill, kept as the generic cell rate algorithm: one number per connection, the time
 * at which its bucket would be full again. bucket4j's local bucket did the same with about 200 bytes of every idle
 * connection (the bucket, its state, and five views of it made up front; issue 18's memory per connection), and the
 * edge uses nothing else of it.
 */
public final class InboundBudget {
    private final Rate rate;
    /** When, on the rate's clock, the bucket is full again; at or before now, it is full. */
    private long fullAt;
    private int refusedInARow;

    private InboundBudget(Rate rate) {
        this.rate = rate;
        this.fullAt = rate.clock.getAsLong();
    }

    /**
     * Takes one frame from the budget.
     *
     * @return 0 when the frame may be handled, otherwise how many frames in a row were refused so far
     */
    public synchronized int take() {
        long now = rate.clock.getAsLong();
        // Differences only: System.nanoTime() may be negative, and only its differences mean anything.
        long debt = Math.max(0, fullAt - now);
        if (debt > rate.burstSlack) {
            return ++refusedInARow;
        }
        fullAt = now + debt + rate.nanosPerFrame;
        refusedInARow = 0;
        return 0;
    }

    /**
     * The limits every connection's budget follows, shared by all of them; each budget keeps only what it spent.
     */
    public static final class Rate {
        private final LongSupplier clock;
        /** One frame's share of a second. */
        private final long nanosPerFrame;
        /** How far ahead of now the bucket may be spent and still take a frame: a burst less one frame. */
        private final long burstSlack;

        public Rate(int framesPerSecond, int frameBurst) {
            this(framesPerSecond, frameBurst, System::nanoTime);
        }

        /** With {@code clock} in place of System.nanoTime(): for tests that must not depend on the machine's speed. */
        Rate(int framesPerSecond, int frameBurst, LongSupplier clock) {
            if (framesPerSecond < 1 || frameBurst < 1) {
                throw new IllegalArgumentException("frames per second and frame burst must be at least 1");
            }
            this.clock = clock;
            this.nanosPerFrame = Math.max(1, TimeUnit.SECONDS.toNanos(1) / framesPerSecond);
            this.burstSlack = (frameBurst - 1) * nanosPerFrame;
        }

        /** A new connection's budget, full. */
        public InboundBudget newBudget() {
            return new InboundBudget(this);
        }
    }
}
