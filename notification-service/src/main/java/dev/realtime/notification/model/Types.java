package dev.realtime.notification.model;

import dev.realtime.contracts.records.NotificationRequested;
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

    public static final Pattern GRAMMAR = NotificationRequested.TYPE_GRAMMAR;

    private Types() {
    }

    public static boolean valid(String type) {
        return NotificationRequested.validType(type);
    }
}
