package dev.realtime.eventstore.relay;

import dev.realtime.eventstore.store.StoredEvent;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns a stored domain event into the integration records the service publishes: zero (internal
 * event), one, or several (e.g. the event on the service topic plus a membership change). The service
 * provides it as a CDI bean. Records of one event are sent in list order.
 */
public interface IntegrationMapper {
    List<ProducerRecord<String, byte[]>> map(StoredEvent event);
}
