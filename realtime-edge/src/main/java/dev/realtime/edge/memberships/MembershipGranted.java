package dev.realtime.edge.memberships;

import dev.realtime.contracts.rooms.Room;

/** A CDI event, fired on the membership reader's thread, when a user becomes a member of a room. */
public record MembershipGranted(Room room, String user) {
}
