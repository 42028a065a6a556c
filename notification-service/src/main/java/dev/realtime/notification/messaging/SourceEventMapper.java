package dev.realtime.notification.messaging;

import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.notification.domain.SourceEvent;

/** A consumed integration event → what the domain's rules need of it ({@link SourceEvent}). */
final class SourceEventMapper {
    private SourceEventMapper() {
    }

    static SourceEvent source(IntegrationEvent event) {
        return new SourceEvent(event.id(), event.source().toString(), event.actor(),
                event.time() == null ? null : event.time().toInstant(), event.trace(), event.room().id());
    }
}
