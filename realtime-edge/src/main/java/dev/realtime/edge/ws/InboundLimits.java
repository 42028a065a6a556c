package dev.realtime.edge.ws;

import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.rooms.InboundBudget;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * What every connection may send ({@code realtime.limits.frames-per-second}, {@code frame-burst},
 * {@code rate-violations-before-close}), made once at start-up for all of them. Its first use (class loading) happens
 * here too: on the first client's event loop, loading a rate limiter's classes once took seconds on a saturated
 * machine, and held every connection of that loop meanwhile.
 */
@Singleton
public class InboundLimits {
    private final InboundBudget.Rate rate;
    private final int violationsBeforeClose;

    @Inject
    InboundLimits(EdgeConfig config) {
        this.rate = new InboundBudget.Rate(config.limits().framesPerSecond(), config.limits().frameBurst());
        this.violationsBeforeClose = config.limits().rateViolationsBeforeClose();
    }

    void warmUp(@Observes StartupEvent event) {
        newBudget().take();
    }

    /** A new connection's inbound budget, full. */
    public InboundBudget newBudget() {
        return rate.newBudget();
    }

    /** Refused frames in a row after which a connection is closed with 4029. */
    public int violationsBeforeClose() {
        return violationsBeforeClose;
    }
}
