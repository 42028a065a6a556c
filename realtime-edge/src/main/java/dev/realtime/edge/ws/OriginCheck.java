package dev.realtime.edge.ws;

import dev.realtime.edge.config.EdgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Which browser pages may open a connection (the gateway answers others 403). Browsers attach a token carried in
 * the subprotocol to any page's connection attempt, so without this check any site could open an authenticated
 * connection in a logged-in user's browser. Requests without Origin come from non-browser clients, which cannot
 * be made to act for someone else, and are allowed.
 */
@ApplicationScoped
public class OriginCheck {
    private static final Logger LOG = Logger.getLogger(OriginCheck.class);

    @Inject
    EdgeConfig config;

    public boolean allows(String origin) {
        if (origin == null) {
            return true;
        }
        Set<String> allowed = Set.copyOf(config.allowedOrigins());
        if (allowed.contains("*") || allowed.contains(origin)) {
            return true;
        }
        LOG.debugf("Refused an upgrade from origin %s", printable(origin));
        return false;
    }

    private static String printable(String raw) {
        String cut = raw.length() > 100 ? raw.substring(0, 100) + "…" : raw;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
