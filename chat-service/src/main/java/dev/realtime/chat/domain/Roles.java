package dev.realtime.chat.domain;

import java.util.Set;

/** Participant roles in a conversation. */
public final class Roles {
    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";
    /** Roles that can be given when adding a participant (there is one owner, the creator). */
    public static final Set<String> GRANTABLE = Set.of(ADMIN, MEMBER);

    private Roles() {
    }

    public static boolean manages(String role) {
        return OWNER.equals(role) || ADMIN.equals(role);
    }
}
