package dev.realtime.testkit.tracing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The service with tracing switched on, as {@code QUARKUS_OTEL_SDK_DISABLED=false} does, exporting to memory: the
 * test injects {@code InMemorySpanExporter}. testkit is indexed under this profile only, so {@link InMemorySpans} is a
 * bean here and nowhere else.
 */
public class TracingProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.bsp.schedule.delay", "PT0.05S",
                "quarkus.index-dependency.testkit-tracing.group-id", "dev.realtime",
                "quarkus.index-dependency.testkit-tracing.artifact-id", "testkit");
    }
}
