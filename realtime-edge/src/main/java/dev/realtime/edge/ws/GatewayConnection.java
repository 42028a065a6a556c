package dev.realtime.edge.ws;

import dev.realtime.edge.protocol.ClientFrame;
import dev.realtime.edge.rooms.Session;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * An upgraded WebSocket of {@code /ws} under its {@link Session}: the Vert.x socket and the little the gateway keeps
 * for it. Nothing of the handshake (request, headers, security identity) is kept: an idle connection's memory is
 * the socket's, the guard's and the session's. It is also the socket's text handler and the name the guard logs it
 * by, where a lambda each cost every connection an object more (issue 18's memory per idle connection).
 */
final class GatewayConnection extends GatewayLink implements Handler<String>, Supplier<String> {
    private static final Logger LOG = Logger.getLogger(GatewayConnection.class);
    private static final Buffer PING = Buffer.buffer(new byte[0]);

    private final ServerWebSocket socket;
    private final Gateway gateway;
    /** The user's id (the caller's string, shared with the session), for the log before the session exists. */
    private final String user;

    GatewayConnection(ServerWebSocket socket, Gateway gateway, String user) {
        this.socket = socket;
        this.gateway = gateway;
        this.user = user;
    }

    /** A text frame of the client's, on the event loop. */
    @Override
    public void handle(String text) {
        if (gateway.admit(this, null)) {
            gateway.handle(this, ClientFrame.parse(text));
        }
    }

    /** How the log names the connection (never anything of the token but the user id). */
    @Override
    public String get() {
        return "connection " + id() + " of user " + user;
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
