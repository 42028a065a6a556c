package dev.realtime.eventstore.consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness {@code kafka-consumers}: DOWN while a consumer has been retrying one event (a dependency failing) for
 * longer than {@code eventstore.consumer.stalled-after}, with where it is stuck and the last error. Not a liveness
 * check: restarting the service does not bring the database back, and the consumer resumes by itself.
 */
@Readiness
@ApplicationScoped
public class ConsumersHealthCheck implements HealthCheck {

    @Inject
    ConsumerPolicy policy;

    @Inject
    ConsumerConfig config;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kafka-consumers").up();
        Instant threshold = Instant.now().minus(config.stalledAfter());
        for (ConsumerPolicy.Stall stall : policy.stalls()) {
            if (stall.since().isBefore(threshold)) {
                response.down().withData(stall.consumer() + " " + stall.record(), "stalled since " + stall.since() + " on " + stall.record()
                        + " (event " + stall.eventId() + ", " + stall.attempts() + " attempts): " + stall.lastError());
            }
        }
        return response.build();
    }
}
