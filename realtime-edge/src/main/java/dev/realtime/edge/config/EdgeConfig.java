package dev.realtime.edge.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Every {@code realtime.*} setting of the edge; defaults and meaning are in docs/realtime-protocol.md. */
@ConfigMapping(prefix = "realtime")
public interface EdgeConfig {

    /**
     * Browser origins allowed to open a connection (exact match of the Origin header, or {@code *} for any).
     * A request without Origin is not from a browser page and is allowed: the bearer token is what protects it.
     */
    @WithDefault("http://localhost:8090,http://127.0.0.1:8090,http://localhost:8080,http://127.0.0.1:8080,http://localhost:3000,http://localhost:5173")
    List<String> allowedOrigins();

    Limits limits();

    WebSocket websocket();

    SocketIo socketio();

    Presence presence();

    Resume resume();

    Lifecycle lifecycle();

    /** chat-service, which owns the {@code conversation:*} rooms ({@code realtime.chat.url}). */
    Owner chat();

    /** activity-service, which owns the {@code project:*} rooms ({@code realtime.activity.url}). */
    Owner activity();

    /** notification-service, which owns the {@code user:*} rooms ({@code realtime.notification.url}). */
    Owner notification();

    /** A service that owns rooms; defaults in application.properties (the local stack's ports). */
    interface Owner {
        String url();
    }

    /** How long a typing indicator lasts without a refresh. */
    @WithDefault("6s")
    Duration typingTimeout();

    /** A connection that sent nothing (not even a pong to the server's pings) for this long is closed. */
    @WithDefault("75s")
    Duration idleTimeout();

    /** How often expiry, idleness and typing timeouts are checked. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** On shutdown: how long open connections get to receive their close frame before the server stops. */
    @WithDefault("5s")
    Duration shutdownDrain();

    /** The WebSocket server on {@code /ws}. */
    interface WebSocket {
        /**
         * Largest client frame: the frame decoder refuses a larger one before buffering it whole (1009). Client
         * frames are small commands; anything bigger is a misbehaving client.
         */
        @WithDefault("16384")
        int maxFrameSize();

        /** Largest client message, its frames put together (1009). */
        @WithDefault("16384")
        int maxMessageSize();

        /** The server pings every connection this often: keeps idle connections alive through proxies. */
        @WithDefault("30s")
        Duration pingInterval();
    }

    /** The Socket.IO endpoint on {@code /socket.io/} (docs/socketio.md); pings follow {@code websocket.ping-interval}. */
    interface SocketIo {
        /** How long a client may take to answer a ping before it is considered gone (Engine.IO's pingTimeout). */
        @WithDefault("20s")
        Duration pingTimeout();

        /** How long an Engine.IO session may stay without a Socket.IO CONNECT carrying a valid token. */
        @WithDefault("45s")
        Duration connectTimeout();

        /** Engine.IO sessions without a CONNECT yet, on this instance; handshakes beyond get 503. */
        @WithDefault("2000")
        int maxUnconnected();

        /**
         * Socket.IO's connection state recovery through the edge's resume: a pid in the CONNECT answer and the
         * session's offset as the last argument of every sequenced event (about 11 bytes per joined room).
         */
        @WithDefault("true")
        boolean recoveryEnabled();

        /**
         * The most events a recovery replays, over all rooms, before its CONNECT answer; a recovery that needs more is
         * incomplete ({@code resync} with {@code resume.too_long}) and the client reloads over REST.
         */
        @WithDefault("1000")
        int recoveryMaxEvents();
    }

    interface Limits {
        /** Rooms a connection may subscribe to, not counting the rooms it was put in automatically. */
        @WithDefault("100")
        int maxSubscriptions();

        /** Open connections of one user on one edge instance. */
        @WithDefault("10")
        int maxConnectionsPerUser();

        /** Client frames per second a connection may send on average. */
        @WithDefault("20")
        int framesPerSecond();

        /** Client frames a connection may send in a burst. */
        @WithDefault("40")
        int frameBurst();

        /** Refused frames in a row after which the connection is closed (4029). */
        @WithDefault("50")
        int rateViolationsBeforeClose();

        /**
         * Live frames queued to a connection but not yet written to its socket; beyond, further live frames are
         * dropped and caught up (replayed) once the client has read the queue down to a quarter.
         */
        @WithDefault("1000")
        int sendQueue();

        /** A connection that stays behind (its queue not read down) this long is closed as a slow consumer (4008). */
        @WithDefault("30s")
        Duration slowConsumerAfter();
    }

    /** Subscribes with {@code since}: the in-memory window of recent events, and reads from the rooms' owners. */
    interface Resume {
        /** Recent events kept per sequenced room, on every instance, subscribed here or not. */
        @WithDefault("200")
        int windowPerRoom();

        /** Events kept in all; beyond, the rooms used least recently are forgotten first. */
        @WithDefault("100000")
        int windowTotal();

        /** Events asked of an owning service per request. */
        @WithDefault("500")
        int fetchPage();

        /** At most this many events are replayed from an owner for one subscribe; beyond, the resume is incomplete. */
        @WithDefault("100000")
        int maxFetch();

        /** How long one request to an owning service may take. */
        @WithDefault("10s")
        Duration fetchTimeout();
    }

    interface Presence {
        /** Re-announcement interval of a user's connection count (contract: 30 s). */
        @WithDefault("30s")
        Duration heartbeat();

        /** An announcement older than this no longer counts (contract: 90 s). */
        @WithDefault("90s")
        Duration ttl();
    }

    /** The connection lifecycle events on {@code realtime.connections} (docs/realtime-protocol.md). */
    interface Lifecycle {
        /** Whether the connection lifecycle events are published at all. */
        @WithDefault("true")
        boolean enabled();

        /** How much of the client's address an opened event carries. */
        @WithDefault("truncated")
        RemoteAddress remoteAddress();

        /** {@code truncated}: the /24 (IPv4) or /48 (IPv6) network; {@code full}; {@code off}: none. */
        enum RemoteAddress {
            TRUNCATED,
            FULL,
            OFF
        }
    }
}
