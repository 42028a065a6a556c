package dev.realtime.edge;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Small limits and short timings, so tests reach them quickly; production defaults are in EdgeConfig. */
public class TightLimitsProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("realtime.limits.max-subscriptions", "3"),
                Map.entry("realtime.limits.max-connections-per-user", "2"),
                Map.entry("realtime.limits.frames-per-second", "5"),
                Map.entry("realtime.limits.frame-burst", "10"),
                Map.entry("realtime.limits.rate-violations-before-close", "20"),
                Map.entry("realtime.limits.send-queue", "50"),
                Map.entry("realtime.limits.slow-consumer-after", "3s"),
                Map.entry("realtime.websocket.ping-interval", "1s"),
                Map.entry("realtime.idle-timeout", "8s"),
                Map.entry("realtime.typing-timeout", "2s"),
                Map.entry("realtime.presence.heartbeat", "1s"),
                Map.entry("realtime.presence.ttl", "6s"));
    }
}
