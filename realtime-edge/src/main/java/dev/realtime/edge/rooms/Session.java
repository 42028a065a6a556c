package dev.realtime.edge.rooms;

import dev.realtime.contracts.rooms.Room;
import io.quarkus.websockets.next.WebSocketConnection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One open WebSocket connection of one user. The user id and roles are fixed for the life of the connection;
 * the rooms change with subscribes, unsubscribes and revocations.
 */
public final class Session {
    private static final Logger LOG = Logger.getLogger(Session.class);

    private final WebSocketConnection connection;
    private final String user;
    private final Set<String> roles;
    private final Set<Room> rooms = ConcurrentHashMap.newKeySet();

    public Session(WebSocketConnection connection, String user, Set<String> roles) {
        this.connection = connection;
        this.user = user;
        this.roles = Set.copyOf(roles);
    }

    public String user() {
        return user;
    }

    public Set<String> roles() {
        return roles;
    }

    public boolean isIn(Room room) {
        return rooms.contains(room);
    }

    Set<Room> rooms() {
        return rooms;
    }

    /**
     * Queues a text frame without waiting, so one slow client never holds up the thread that fans an event out to
     * everyone else. Vert.x serialises writes per connection, so frames keep the order of these calls.
     */
    public void send(String frame) {
        if (!connection.isOpen()) {
            return;
        }
        connection.sendText(frame).subscribe().with(
                ignored -> {
                },
                failure -> LOG.debugf("Dropped a frame to connection %s: %s", connection.id(), failure.toString()));
    }

    @Override
    public String toString() {
        return "Session[" + connection.id() + "]";
    }
}
