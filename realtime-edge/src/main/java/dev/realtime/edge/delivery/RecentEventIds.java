package dev.realtime.edge.delivery;

import dev.realtime.contracts.events.IntegrationEvent;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the unsequenced events delivered lately, so that an event produced twice (a producer's retry, a
 * server-API call repeated after a timeout) reaches clients once. CloudEvents makes {@code source} + {@code id}
 * unique per event. Sequenced events need none of this: their room's seq already drops repeats. Every instance
 * reads every event in the same per-room order, so every instance drops the same repeats.
 */
final class RecentEventIds {
    private final int capacity;
    private final long keepNanos;
    /** source + id → System.nanoTime() when first delivered, oldest first. */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    RecentEventIds(int capacity, Duration keep) {
        this.capacity = capacity;
        this.keepNanos = keep.toNanos();
    }

    /** @return false when this event was seen within the window (do not deliver it again) */
    synchronized boolean firstTime(IntegrationEvent event, long now) {
        forgetOlderThan(now - keepNanos);
        String key = event.source() + "#" + event.id();
        if (seen.putIfAbsent(key, now) != null) {
            return false;
        }
        if (seen.size() > capacity) {
            Iterator<String> eldest = seen.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return true;
    }

    private void forgetOlderThan(long limit) {
        Iterator<Map.Entry<String, Long>> eldest = seen.entrySet().iterator();
        while (eldest.hasNext() && eldest.next().getValue() - limit < 0) {
            eldest.remove();
        }
    }
}
