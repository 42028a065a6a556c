package dev.realtime.edge.ws;

import dev.realtime.edge.rooms.Session;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import org.jboss.logging.Logger;

/**
 * An upgraded WebSocket of {@code /ws} under its {@link Session}: the Vert.x socket and the little the gateway keeps
 * for it. Nothing of the handshake (request, headers, security identity) is kept: an idle connection's memory is
 * the socket's, the guard's and the session's.
 */
final class GatewayConnection extends GatewayLink {
    private static final Logger LOG = Logger.getLogger(GatewayConnection.class);
    private static final Buffer PING = Buffer.buffer(new byte[0]);

    private final ServerWebSocket socket;

    GatewayConnection(ServerWebSocket socket) {
        this.socket = socket;
    }

    @Override
    protected boolean socketClosed() {
        return socket.isClosed();
    }

    @Override
    protected void pauseFrames() {
        // Vert.x buffers what arrives meanwhile, and stops reading the socket when that buffer is full.
        socket.pause();
    }

    @Override
    protected void resumeFrames() {
        socket.resume();
    }

    @Override
    protected Integer clientCloseCode() {
        Short code = socket.closeStatusCode();
        return code == null ? null : (int) code;
    }

    @Override
    protected String clientCloseReason() {
        return socket.closeReason();
    }

    @Override
    public void ping() {
        if (isOpen()) {
            socket.writePing(PING);
        }
    }

    @Override
    public void close(int code, String reason) {
        if (!isOpen() || socket.isClosed()) {
            // The client, or the frame guard, was first.
            return;
        }
        socket.close((short) code, reason).onFailure(
                failure -> LOG.debugf("Closing connection %s failed: %s", id(), failure.toString()));
    }
}
