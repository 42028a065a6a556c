package dev.realtime.benchmarks;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.EventType;
import dev.realtime.eventstore.relay.IntegrationEvents;
import dev.realtime.eventstore.relay.IntegrationMapper;
import dev.realtime.eventstore.store.StoredEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes every stored event as one CloudEvent on {@link #TOPIC}, keyed by stream (room) with the
 * version as {@code seq}: the same work a service's mapper does.
 */
@ApplicationScoped
public class BenchIntegrationMapper implements IntegrationMapper {
    public static final String TOPIC = "bench.events";
    private static final URI SOURCE = URI.create("/eventstore-benchmarks");
    private static final EventType TYPE = new EventType("dev.realtime.bench.message.posted.v1", "message.posted");

    @Override
    public List<ProducerRecord<String, byte[]>> map(StoredEvent event) {
        return List.of(CloudEventCodec.toRecord(TOPIC,
                IntegrationEvents.of(event, TYPE, event.dataAs(BenchPayload.class), SOURCE)));
    }
}
