package dev.realtime.edge.memberships;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN until the membership index has replayed the topic up to its start-up end offsets: before that, a member
 * would be told "room not found" for a conversation they belong to.
 */
@Readiness
@ApplicationScoped
public class MembershipReadiness implements HealthCheck {
    @Inject
    MembershipService memberships;
    @Inject
    MembershipIndex index;

    @Override
    public HealthCheckResponse call() {
        MembershipFollower.Status status = memberships.status();
        return HealthCheckResponse.named("membership-index")
                .status(status.caughtUp())
                .withData("caughtUp", status.caughtUp())
                .withData("recordsBehindStartup", status.behind())
                .withData("memberships", index.size())
                .withData("missingTopics", String.join(",", status.missingTopics()))
                .withData("invalidRecords", status.invalidRecords())
                .build();
    }
}
