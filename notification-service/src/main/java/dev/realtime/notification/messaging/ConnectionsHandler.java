package dev.realtime.notification.messaging;

import dev.realtime.contracts.connections.ConnectionEvent;
import dev.realtime.contracts.connections.ConnectionEventTypes;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.eventstore.consumer.Blocking;
import dev.realtime.notification.domain.InvalidSourceEvent;
import dev.realtime.notification.domain.UserIds;
import dev.realtime.notification.store.LastSeenStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * realtime.connections → "last seen" per user: a connection opened or closed moves the user's last connect or
 * disconnect forward (never back). The other lifecycle types (refusals, expired tokens) are not needed here.
 */
@ApplicationScoped
public class ConnectionsHandler {

    @Inject
    LastSeenStore lastSeen;

    public void handle(IntegrationEvent event) throws Exception {
        boolean opened = ConnectionEventTypes.OPENED.equals(event.type());
        if (!opened && !ConnectionEventTypes.CLOSED.equals(event.type())) {
            return;
        }
        ConnectionEvent connection = event.dataAs(ConnectionEvent.class);
        if (connection.at() == null) {
            throw new InvalidSourceEvent("a connection event needs userId and at");
        }
        String user = UserIds.validUser(connection.userId());
        if (opened) {
            Blocking.await(() -> lastSeen.connected(user, connection.at()));
        } else {
            Blocking.await(() -> lastSeen.disconnected(user, connection.at(), connection.closeCode()));
        }
    }
}
