package dev.realtime.contracts.connections;

import java.time.Instant;

/**
 * The data of every {@link ConnectionEventTypes connection lifecycle event}. {@code connectionId}, {@code userId},
 * {@code instanceId} and {@code at} are always present; the rest only for the types that name them, absent (not
 * {@code null}) otherwise.
 *
 * @param remoteAddress the client's address, truncated to its /24 (IPv4) or /48 (IPv6) network unless the edge is
 *        told otherwise ({@code realtime.lifecycle.remote-address})
 * @param userAgent at most 256 characters
 * @param resumeSince the {@code since} of the upgrade (a resume of the user's own room)
 * @param closeCode the WebSocket close code (closed, refused)
 * @param error the error code the client got (subscription refused: {@code room.not_found},
 *        {@code subscriptions.limit})
 * @param reason the close reason the edge sent, or the client's close reason, at most 123 bytes
 */
public record ConnectionEvent(String connectionId, String userId, String instanceId, Instant at, String origin,
        String userAgent, String remoteAddress, Long resumeSince, Instant openedAt, Long durationMs, Integer closeCode,
        String error,
        String reason, String initiatedBy, String room, Instant expiresAt) {

    /** The fields every type carries; the builders below add the type's own. */
    public static ConnectionEvent of(String connectionId, String userId, String instanceId, Instant at) {
        return new ConnectionEvent(connectionId, userId, instanceId, at, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    public ConnectionEvent opened(String origin, String userAgent, String remoteAddress, Long resumeSince) {
        return new ConnectionEvent(connectionId, userId, instanceId, at, origin, userAgent, remoteAddress,
                resumeSince, null, null, null, null, null, null, null, null);
    }

    public ConnectionEvent closed(Instant openedAt, int code, String reason, String initiatedBy) {
        return new ConnectionEvent(connectionId, userId, instanceId, at, null, null, null, null, openedAt,
                openedAt == null ? null : Math.max(0, at.toEpochMilli() - openedAt.toEpochMilli()),
                code, null, reason, initiatedBy, null, null);
    }

    public ConnectionEvent refused(int closeCode, String reason) {
        return new ConnectionEvent(connectionId, userId, instanceId, at, null, null, null, null, null, null,
                closeCode, null, reason, null, null, null);
    }

    public ConnectionEvent subscriptionRefused(String room, String error) {
        return new ConnectionEvent(connectionId, userId, instanceId, at, null, null, null, null, null, null, null,
                error, null, null, room, null);
    }

    public ConnectionEvent tokenExpired(Instant expiresAt) {
        return new ConnectionEvent(connectionId, userId, instanceId, at, null, null, null, null, null, null, null,
                null, null, null, null, expiresAt);
    }
}
