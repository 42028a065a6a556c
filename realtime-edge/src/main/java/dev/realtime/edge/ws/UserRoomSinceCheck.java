package dev.realtime.edge.ws;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** A malformed {@code since} on the upgrade is refused with HTTP 400 before a connection exists. */
@ApplicationScoped
public class UserRoomSinceCheck implements HttpUpgradeCheck {
    private static final Logger LOG = Logger.getLogger(UserRoomSinceCheck.class);

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        try {
            UserRoomSince.parse(context.httpRequest().query());
            return CheckResult.permitUpgrade();
        } catch (IllegalArgumentException e) {
            LOG.infof("Refused an upgrade from %s: %s", context.httpRequest().remoteAddress(), e.getMessage());
            return CheckResult.rejectUpgrade(400);
        }
    }
}
