package dev.realtime.contracts.chat;

/** Data of {@code chat.message.reaction.v1}: one user's emoji added or removed, and the new count of it. */
public record MessageReaction(String conversationId, String messageId, String userId, String emoji, String action,
        int count) {
    public static final String ADDED = "added";
    public static final String REMOVED = "removed";
}
