package dev.realtime.edge.ws;

import dev.realtime.edge.rooms.Session;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import org.jboss.logging.Logger;

/** A websockets-next connection under a {@link Session}. */
record EndpointConnection(WebSocketConnection connection) implements Session.Connection {
    private static final Logger LOG = Logger.getLogger(EndpointConnection.class);

    @Override
    public String id() {
        return connection.id();
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close(int code, String reason) {
        if (connection.isClosed()) {
            // The client, or the frame guard, was first.
            return;
        }
        connection.close(new CloseReason(code, reason)).subscribe().with(
                ignored -> {
                },
                failure -> LOG.debugf("Closing connection %s failed: %s", connection.id(), failure.toString()));
    }
}
