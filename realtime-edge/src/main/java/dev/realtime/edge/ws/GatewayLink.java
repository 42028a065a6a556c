package dev.realtime.edge.ws;

import dev.realtime.edge.rooms.Session;
import java.util.UUID;

/**
 * A client connection under its {@link Session}, whatever its wire format: the native WebSocket of {@code /ws}
 * ({@link GatewayConnection}) or a Socket.IO socket. {@link Gateway} runs the protocol over it; the subclass carries
 * the bytes.
 */
public abstract class GatewayLink implements Session.Connection {
    /*
     * The connection's id, a random UUID, kept as its two halves: the text is made only for a log line or a lifecycle
     * event, where a String per connection was 80 bytes of every idle one (issue 18).
     */
    private final long idHigh;
    private final long idLow;
    /** Set once the connection closed; read per delivery. */
    private volatile boolean closed;
    private Session session;
    /** Whether a refused frame of this connection was logged at INFO already (event loop only). */
    private boolean refusalLogged;

    protected GatewayLink() {
        UUID id = UUID.randomUUID();
        idHigh = id.getMostSignificantBits();
        idLow = id.getLeastSignificantBits();
    }

    @Override
    public String id() {
        return new UUID(idHigh, idLow).toString();
    }

    public Session session() {
        return session;
    }

    void attach(Session session) {
        this.session = session;
    }

    /** True the first time: the caller logs that refusal at INFO, later ones at DEBUG. */
    boolean firstRefusal() {
        if (refusalLogged) {
            return false;
        }
        refusalLogged = true;
        return true;
    }

    /** Marks the connection closed; true the first time only, so its session is cleaned up once. */
    protected synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Whether the link keeps the session's position in each sequenced room (Socket.IO's connection state recovery):
     * the gateway then learns a room's head before joining it and queues position markers
     * ({@link dev.realtime.edge.protocol.ServerFrames#position}) for joins and leaves.
     */
    protected boolean tracksPositions() {
        return false;
    }

    /** Whether the socket below is closed already (before the gateway's close handling ran, say). */
    protected abstract boolean socketClosed();

    /** Stops handing the client's frames to the gateway until {@link #resumeFrames()}: an answer is pending. */
    protected abstract void pauseFrames();

    protected abstract void resumeFrames();

    /** The close code the client sent, or null when it sent none (the socket dropped). */
    protected abstract Integer clientCloseCode();

    protected abstract String clientCloseReason();
}
