package dev.realtime.edge.protocol;

import java.util.List;

/** The close codes the edge sends; the table in docs/realtime-protocol.md is the contract for clients. */
public final class CloseCodes {
    /** RFC 6455 going away: this instance shuts down; reconnect (a load balancer sends you elsewhere). */
    public static final int GOING_AWAY = 1001;
    /**
     * RFC 6455 protocol error: a frame that breaks the protocol (unmasked, reserved opcode, reserved bits set, a
     * control frame over 125 bytes or fragmented, a continuation without a start).
     */
    public static final int PROTOCOL_ERROR = 1002;
    /** RFC 6455 invalid frame payload data: a text frame (or message) that is not UTF-8. */
    public static final int INVALID_PAYLOAD = 1007;
    /** RFC 6455 policy violation: the token is valid but its subject cannot be a user id here. */
    public static final int UNSUPPORTED_SUBJECT = 1008;
    /** RFC 6455 message too big: a frame or message over {@code max-frame-size} / {@code max-message-size}. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** The token expired and was not refreshed in band; reconnect with a fresh token. */
    public static final int AUTHENTICATION_EXPIRED = 4001;
    /** A service closed the user's connections through the server API. */
    public static final int DISCONNECTED_BY_SERVICE = 4003;
    /** The client did not read its frames fast enough and its send queue overflowed. */
    public static final int SLOW_CONSUMER = 4008;
    /** The user already holds the maximum number of connections on this instance. */
    public static final int TOO_MANY_CONNECTIONS = 4009;
    /** Nothing came from the client, not even a pong, for the idle timeout. */
    public static final int IDLE_TIMEOUT = 4010;
    /** The client kept sending over its rate limit (text frames, pings and pongs alike). */
    public static final int RATE_LIMITED = 4029;

    /** Every code above, for the metrics registered at start. */
    public static final List<Integer> ALL = List.of(GOING_AWAY, PROTOCOL_ERROR, INVALID_PAYLOAD, UNSUPPORTED_SUBJECT,
            MESSAGE_TOO_BIG, AUTHENTICATION_EXPIRED, DISCONNECTED_BY_SERVICE, SLOW_CONSUMER, TOO_MANY_CONNECTIONS,
            IDLE_TIMEOUT, RATE_LIMITED);

    private CloseCodes() {
    }
}
