package dev.realtime.contracts.signals;

import java.time.Instant;

/** One edge instance's count of open connections for one user, at a time (see {@link SignalTypes}). */
public record PresenceSignal(String userId, String instanceId, int connections, Instant at) {
}
