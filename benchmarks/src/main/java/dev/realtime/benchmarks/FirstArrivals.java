package dev.realtime.benchmarks;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * When each key (a record's identity) was first seen on a topic, and how many copies came after it: the relay
 * publishes at least once, so a latency is taken from the first copy and the others are counted, not measured.
 */
public final class FirstArrivals {
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final LongAdder duplicates = new LongAdder();

    /** Notes that {@code key} arrived at {@code nanos}; false, and one more duplicate, if it had arrived before. */
    public boolean note(String key, long nanos) {
        if (arrivals.putIfAbsent(key, nanos) != null) {
            duplicates.increment();
            return false;
        }
        return true;
    }

    /** When {@code key} first arrived ({@link System#nanoTime()}), or null. */
    public Long arrival(String key) {
        return arrivals.get(key);
    }

    public long duplicates() {
        return duplicates.sum();
    }

    /**
     * Waits until every key has arrived, looking every {@code checkEvery}, for {@code timeout} at most; returns how many
     * are still missing (0: all arrived).
     */
    public int awaitAll(Collection<String> keys, Duration timeout, Duration checkEvery) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int missing = 0;
            for (String key : keys) {
                if (!arrivals.containsKey(key)) {
                    missing++;
                }
            }
            if (missing == 0 || System.nanoTime() > deadline) {
                return missing;
            }
            Thread.sleep(checkEvery.toMillis());
        }
    }
}
