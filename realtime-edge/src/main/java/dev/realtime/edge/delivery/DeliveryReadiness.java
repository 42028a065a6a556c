package dev.realtime.edge.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN until every event topic is assigned at a fixed position. The reader starts at the end of each topic, so
 * before that moment an event published for a client that is already subscribed could be skipped.
 */
@Readiness
@ApplicationScoped
public class DeliveryReadiness implements HealthCheck {
    @Inject
    EventReader reader;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event-delivery")
                .status(reader.positioned())
                .withData("assignedPartitions", reader.assignedPartitions())
                .withData("missingTopics", String.join(",", reader.missingTopics()))
                .build();
    }
}
