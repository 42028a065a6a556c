package dev.realtime.edge.ws;

import dev.realtime.edge.memberships.MembershipService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Whether upgrades are taken: not until the membership index is loaded, and no more once shutdown has begun (the
 * gateway answers 503 with {@code Retry-After}). Readiness keeps a load balancer away, but a client that reaches the
 * instance directly would otherwise be told "room not found" for its own conversations.
 */
@ApplicationScoped
public class StartupUpgradeGate {
    /** Seconds a refused client waits before it tries again. */
    public static final String RETRY_AFTER_SECONDS = "2";

    @Inject
    MembershipService memberships;

    private volatile boolean draining;

    /** From now on upgrades are refused: the instance is shutting down and clients should go elsewhere. */
    public void drain() {
        draining = true;
    }

    public boolean open() {
        return memberships.caughtUp() && !draining;
    }
}
