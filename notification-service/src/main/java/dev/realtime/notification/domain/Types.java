package dev.realtime.notification.domain;

import java.util.regex.Pattern;

/** Notification types this service derives itself; requesting services bring their own (same grammar). */
public final class Types {
    public static final String MESSAGE = "message";
    public static final String MENTION = "mention";
    public static final String CONVERSATION_ADDED = "conversation:added";
    public static final String CONVERSATION_REMOVED = "conversation:removed";
    public static final String PROJECT_ADDED = "project:added";
    public static final String PROJECT_REMOVED = "project:removed";
    public static final String COMMENT_REPLY = "comment:reply";

    public static final Pattern GRAMMAR = Pattern.compile("[a-z0-9][a-z0-9:._-]{0,63}");

    private Types() {
    }

    public static boolean valid(String type) {
        return type != null && GRAMMAR.matcher(type).matches();
    }
}
