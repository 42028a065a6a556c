package dev.realtime.contracts.memberships;

/**
 * The roles of a member in a room with an owner (a conversation's participants, a project's members): the
 * {@link Membership#role() role} of a membership grant, and the role of the room owners' member events. The creator
 * is the one owner; owners and admins manage the room.
 */
public final class Roles {
    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";

    private Roles() {
    }

    public static boolean manages(String role) {
        return OWNER.equals(role) || ADMIN.equals(role);
    }
}
