package dev.realtime.notification.messaging;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.notification.NotificationEventTypes;
import dev.realtime.contracts.notification.NotificationNew;
import dev.realtime.contracts.notification.NotificationRead;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.relay.IntegrationEvents;
import dev.realtime.eventstore.relay.IntegrationMapper;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.StoredEvent;
import dev.realtime.notification.model.NotificationEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Inbox events → {@code notification.events} on the room {@code user:<sub>} with the inbox version as seq;
 * a broadcast → one {@code notification:new} per audience room ({@code role:<name>}, {@code all}), without seq
 * or unread count: each user's own copy reaches their inbox when they next list or count.
 */
@ApplicationScoped
public class NotificationIntegrationMapper implements IntegrationMapper {
    public static final URI SOURCE = URI.create("/notification-service");

    @Override
    public List<ProducerRecord<String, byte[]>> map(StoredEvent event) {
        if (NotificationEvents.BROADCAST.equals(event.type)) {
            NotificationEvents.Broadcast b = event.dataAs(NotificationEvents.Broadcast.class);
            byte[] data = Json.write(new NotificationNew(b.broadcastId(), b.type(), b.title(), b.body(), b.actor(),
                    b.target(), b.createdAt(), false, b.sourceEventId(), null));
            EventMetadata metadata = event.metadata();
            return b.rooms().stream().map(Room::parse).map(room -> CloudEventCodec.toRecord(Topics.NOTIFICATION_EVENTS,
                    new IntegrationEvent(event.eventId.toString(), SOURCE, NotificationEventTypes.NOTIFICATION_NEW.ceType(),
                            event.recordedAt.withOffsetSameInstant(ZoneOffset.UTC), room, null,
                            metadata.actor(), data, metadata.trace()))).toList();
        }
        return toIntegrationEvent(event).map(e -> CloudEventCodec.toRecord(Topics.NOTIFICATION_EVENTS, e))
                .stream().toList();
    }

    /** The integration event a front end sees for an inbox event (also served by the resume endpoint). */
    public Optional<IntegrationEvent> toIntegrationEvent(StoredEvent event) {
        return Optional.ofNullable(switch (event.type) {
            case NotificationEvents.CREATED -> {
                NotificationEvents.Created c = event.dataAs(NotificationEvents.Created.class);
                yield IntegrationEvents.of(event, NotificationEventTypes.NOTIFICATION_NEW, new NotificationNew(
                        c.notificationId(), c.type(), c.title(), c.body(), c.actor(), c.target(), c.createdAt(), false,
                        c.sourceEventId(), c.unreadCount()), SOURCE);
            }
            case NotificationEvents.READ -> {
                NotificationEvents.Read r = event.dataAs(NotificationEvents.Read.class);
                yield IntegrationEvents.of(event, NotificationEventTypes.NOTIFICATION_READ, new NotificationRead(
                        r.notificationIds(), r.all(), r.upTo(), r.marked(), r.unreadCount(), r.readAt()), SOURCE);
            }
            default -> null;
        });
    }
}
