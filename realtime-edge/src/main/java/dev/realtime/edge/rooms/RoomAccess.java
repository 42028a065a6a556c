package dev.realtime.edge.rooms;

import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Who may enter which room. The one place the access rules of docs/realtime-protocol.md are decided. */
// @Singleton, not @ApplicationScoped: read per session and delivered event, where a client proxy's lookup showed
// in the fan-out profile (benchmarks/README.md); it has no state to create lazily.
@Singleton
public class RoomAccess {
    @Inject
    MembershipIndex memberships;

    public boolean mayEnter(Session session, Room room) {
        return switch (room.kind()) {
            case USER -> room.id().equals(session.user());
            case ROLE -> session.roles().contains(room.id());
            case ALL -> true;
            case CONVERSATION, PROJECT -> memberships.isMember(room, session.user());
        };
    }

    /**
     * Whether access to the room can change while a session is in it. Only these rooms are re-checked on every
     * delivered event; a session's user id and roles cannot change under it.
     */
    public boolean dependsOnMembership(Room room) {
        return switch (room.kind()) {
            case CONVERSATION, PROJECT -> true;
            case USER, ROLE, ALL -> false;
        };
    }

    public boolean stillMayReceive(Session session, Room room) {
        return !dependsOnMembership(room) || memberships.isMember(room, session.user());
    }
}
