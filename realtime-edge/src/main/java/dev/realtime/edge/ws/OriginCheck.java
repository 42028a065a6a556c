package dev.realtime.edge.ws;

import dev.realtime.edge.config.EdgeConfig;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Refuses upgrades (403) from browser pages whose origin is not allowed. Browsers attach a token carried in the
 * subprotocol to any page's connection attempt, so without this check any site could open an authenticated
 * connection in a logged-in user's browser. Requests without Origin come from non-browser clients, which cannot
 * be made to act for someone else, and are allowed.
 */
@ApplicationScoped
public class OriginCheck implements HttpUpgradeCheck {
    private static final Logger LOG = Logger.getLogger(OriginCheck.class);

    @Inject
    EdgeConfig config;

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        String origin = context.httpRequest().getHeader("Origin");
        if (origin == null || allowed(origin)) {
            return CheckResult.permitUpgrade();
        }
        LOG.debugf("Refused an upgrade from origin %s", printable(origin));
        return CheckResult.rejectUpgrade(403);
    }

    private boolean allowed(String origin) {
        Set<String> allowed = Set.copyOf(config.allowedOrigins());
        return allowed.contains("*") || allowed.contains(origin);
    }

    private static String printable(String raw) {
        String cut = raw.length() > 100 ? raw.substring(0, 100) + "…" : raw;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
