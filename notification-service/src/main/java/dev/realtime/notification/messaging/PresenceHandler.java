package dev.realtime.notification.messaging;

import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.signals.PresenceSignal;
import dev.realtime.contracts.signals.SignalTypes;
import dev.realtime.eventstore.consumer.Blocking;
import dev.realtime.notification.domain.InvalidSourceEvent;
import dev.realtime.notification.domain.UserIds;
import dev.realtime.notification.store.PresenceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** realtime.signals presence → who is online, for the digest e-mail of offline users; typing is ignored. */
@ApplicationScoped
public class PresenceHandler {

    @Inject
    PresenceStore presence;

    public void handle(IntegrationEvent event) throws Exception {
        if (!SignalTypes.PRESENCE.ceType().equals(event.type())) {
            return;
        }
        PresenceSignal signal = event.dataAs(PresenceSignal.class);
        if (signal.userId() == null || signal.instanceId() == null || signal.at() == null || signal.connections() < 0) {
            throw new InvalidSourceEvent("presence needs userId, instanceId, at and connections >= 0");
        }
        UserIds.validUser(signal.userId());
        Blocking.await(() -> presence.record(signal));
    }
}
