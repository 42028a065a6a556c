package dev.realtime.edge.ws;

import dev.realtime.edge.rooms.Session;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * An upgraded WebSocket of {@code /ws} under its {@link Session}: the Vert.x socket and the little the gateway keeps
 * for it. Nothing of the handshake (request, headers, security identity) is kept: an idle connection's memory is
 * the socket's, the guard's and the session's.
 */
final class GatewayConnection implements Session.Connection {
    private static final Logger LOG = Logger.getLogger(GatewayConnection.class);
    private static final Buffer PING = Buffer.buffer(new byte[0]);

    private final String id = UUID.randomUUID().toString();
    private final ServerWebSocket socket;
    /** Set by the socket's close handler; read per delivery, so not Vert.x's synchronized isClosed(). */
    private volatile boolean closed;
    private Session session;
    /** Whether a refused frame of this connection was logged at INFO already (event loop only). */
    private boolean refusalLogged;

    GatewayConnection(ServerWebSocket socket) {
        this.socket = socket;
    }

    ServerWebSocket socket() {
        return socket;
    }

    Session session() {
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
    synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void ping() {
        if (!closed) {
            socket.writePing(PING);
        }
    }

    @Override
    public void close(int code, String reason) {
        if (closed || socket.isClosed()) {
            // The client, or the frame guard, was first.
            return;
        }
        socket.close((short) code, reason).onFailure(
                failure -> LOG.debugf("Closing connection %s failed: %s", id, failure.toString()));
    }
}
