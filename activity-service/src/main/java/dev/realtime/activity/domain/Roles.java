package dev.realtime.activity.domain;

/** Member roles in a project; the creator is the one owner. */
public final class Roles {
    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";
    /** The token role (from the {@code groups} claim) of other services that record activities. */
    public static final String SERVICE = "service";

    private Roles() {
    }

    public static boolean manages(String role) {
        return OWNER.equals(role) || ADMIN.equals(role);
    }
}
