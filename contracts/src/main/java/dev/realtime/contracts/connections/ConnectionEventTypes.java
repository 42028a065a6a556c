package dev.realtime.contracts.connections;

import java.util.List;

/**
 * The connection lifecycle that realtime-edge publishes on {@code realtime.connections} (docs/contracts.md): who
 * opened a session when and from where, how it ended, and what the edge refused. Never delivered to clients. Key and
 * {@code ce_room}: {@code user:<sub>}, so one user's events keep their order per edge instance; {@code ce_actor}: the
 * user; {@code ce_source}: {@code /realtime-edge/<instance id>}; data: {@link ConnectionEvent}.
 *
 * <p>Best effort: published off the event loop through a bounded queue, so a Kafka outage or an edge crash loses
 * events in flight; a consumer that keeps "last seen" should also read the presence heartbeats.
 */
public final class ConnectionEventTypes {
    /** A session opened: {@code origin}, {@code userAgent}, {@code remoteAddress}, {@code resumeSince} when given. */
    public static final String OPENED = "realtime.connection.opened.v1";
    /** A session ended: {@code openedAt}, {@code durationMs}, {@code closeCode}, {@code reason}, {@code initiatedBy}. */
    public static final String CLOSED = "realtime.connection.closed.v1";
    /** An upgrade the edge accepted and then refused at once: {@code closeCode} (4009), {@code reason}. */
    public static final String REFUSED = "realtime.connection.refused.v1";
    /** A subscribe refused: {@code room} (absent when the name did not parse), {@code error}. */
    public static final String SUBSCRIPTION_REFUSED = "realtime.subscription.refused.v1";
    /** The session's token expired without a refresh; the close with 4001 follows: {@code expiresAt}. */
    public static final String TOKEN_EXPIRED = "realtime.token.expired.v1";

    public static final List<String> ALL = List.of(OPENED, CLOSED, REFUSED, SUBSCRIPTION_REFUSED, TOKEN_EXPIRED);

    /** {@code initiatedBy}: the client sent the close frame (or the socket dropped). */
    public static final String BY_CLIENT = "client";
    /** {@code initiatedBy}: the edge closed (a limit, an expired token, a service's disconnect, shutdown). */
    public static final String BY_SERVER = "server";

    private ConnectionEventTypes() {
    }
}
