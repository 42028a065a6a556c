package dev.realtime.chat.messaging;

import dev.realtime.contracts.rooms.RoomKind;
import dev.realtime.eventstore.relay.MembershipGrantsSnapshot;
import jakarta.enterprise.context.ApplicationScoped;

/** The current participants of every conversation ({@code chat_participants}), as grants the relay re-publishes. */
@ApplicationScoped
public class MembershipSnapshot extends MembershipGrantsSnapshot {

    public MembershipSnapshot() {
        super(RoomKind.CONVERSATION, "select conversation_id, user_id, role from chat_participants",
                (room, userId, role) -> ChatIntegrationMapper.grant(room, userId, role, null));
    }
}
