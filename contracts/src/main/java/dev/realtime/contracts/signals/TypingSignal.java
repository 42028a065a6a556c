package dev.realtime.contracts.signals;

import java.time.Instant;

/** A user started ({@code typing = true}) or stopped typing in a room, seen by one edge instance. */
public record TypingSignal(String room, String userId, String userName, boolean typing, String instanceId, Instant at) {
}
