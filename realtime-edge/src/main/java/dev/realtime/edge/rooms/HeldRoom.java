package dev.realtime.edge.rooms;

import dev.realtime.edge.protocol.OutboundFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * A room a session is resuming: its live frames are held back while the missed ones are replayed, then released
 * after them, so the client sees every seq once and in order. {@code lastSent} is the highest seq sent so far.
 */
final class HeldRoom {
    record Held(Long seq, OutboundFrame frame) {
    }

    final List<Held> held = new ArrayList<>();
    /** What the client said it has seen. */
    final long since;
    long lastSent;
    /** Live frames were dropped because {@code held} reached the send-queue limit: caught up after the release. */
    boolean overflowed;

    HeldRoom(long since) {
        this.since = since;
        this.lastSent = since;
    }
}
