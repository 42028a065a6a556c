package dev.realtime.edge.ws;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** DOWN while the {@link JitWarmup} runs: the edge refuses connections until its fan-out path is compiled. */
@Readiness
@ApplicationScoped
public class JitWarmupReadiness implements HealthCheck {
    @Inject
    JitWarmup warmup;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("jit-warm-up")
                .status(warmup.done())
                .withData("deliveries", warmup.deliveries())
                .withData("bytesReceived", warmup.bytesReceived())
                .build();
    }
}
