package dev.realtime.edge.api;

import dev.realtime.edge.kafka.KafkaClients;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** The server API's producer, created on first use: most deployments never call the API. */
@ApplicationScoped
public class RecordsPublisher {
    @Inject
    KafkaClients clients;

    private KafkaProducer<String, byte[]> producer;

    public synchronized Future<RecordMetadata> publish(ProducerRecord<String, byte[]> record) {
        if (producer == null) {
            producer = clients.producer("api");
        }
        return producer.send(record);
    }

    synchronized void stop(@Observes ShutdownEvent event) {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
            producer = null;
        }
    }
}
