package dev.realtime.edge.presence;

/**
 * A user's presence across every edge instance: {@code online} while some instance announced a connection within
 * the TTL; {@code connections} summed over those instances; {@code localConnections} on the instance that answers.
 */
public record UserPresence(String user, boolean online, int connections, int instances, int localConnections) {
}
