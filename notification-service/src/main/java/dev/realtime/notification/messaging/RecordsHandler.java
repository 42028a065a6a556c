package dev.realtime.notification.messaging;

import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.records.NotificationRequested;
import dev.realtime.contracts.records.RecordEventTypes;
import dev.realtime.notification.domain.NotificationRequests;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** records.events {@code records.notification.requested.v1} → {@link NotificationRequests}; other types are ignored. */
@ApplicationScoped
public class RecordsHandler {
    @Inject
    NotificationRequests requests;

    public void handle(IntegrationEvent event) throws Exception {
        if (!RecordEventTypes.NOTIFICATION_REQUESTED.ceType().equals(event.type())) {
            return;
        }
        requests.requested(SourceEventMapper.source(event), event.dataAs(NotificationRequested.class));
    }
}
