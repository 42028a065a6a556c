package dev.realtime.edge.ws;

import dev.realtime.edge.memberships.MembershipService;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/**
 * Refuses upgrades with 503 until the membership index is loaded, and again once shutdown has begun. Readiness keeps a load balancer away, but a
 * client that reaches the instance directly would otherwise be told "room not found" for its own conversations.
 */
@ApplicationScoped
public class StartupUpgradeGate implements HttpUpgradeCheck {
    private static final Map<String, List<String>> RETRY_AFTER = Map.of("Retry-After", List.of("2"));

    @Inject
    MembershipService memberships;

    private volatile boolean draining;

    /** From now on upgrades are refused: the instance is shutting down and clients should go elsewhere. */
    public void drain() {
        draining = true;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return memberships.caughtUp() && !draining
                ? CheckResult.permitUpgrade()
                : CheckResult.rejectUpgrade(503, RETRY_AFTER);
    }
}
