package dev.realtime.chat.domain;

/** Participant roles in a conversation. */
public final class Roles {
    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";

    private Roles() {
    }
}
