package dev.realtime.activity.messaging;

import dev.realtime.contracts.rooms.RoomKind;
import dev.realtime.eventstore.relay.MembershipGrantsSnapshot;
import jakarta.enterprise.context.ApplicationScoped;

/** The current members of every project ({@code act_members}), as grants the relay re-publishes. */
@ApplicationScoped
public class MembershipSnapshot extends MembershipGrantsSnapshot {

    public MembershipSnapshot() {
        super(RoomKind.PROJECT, "select project_id, user_id, role from act_members",
                (room, userId, role) -> ActivityIntegrationMapper.grant(room, userId, role, null));
    }
}
