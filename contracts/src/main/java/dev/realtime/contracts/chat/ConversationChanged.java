package dev.realtime.contracts.chat;

import java.time.Instant;

/** Data of {@code chat.conversation.renamed.v1} and {@code chat.conversation.archived.v1}. */
public record ConversationChanged(String conversationId, String title, boolean archived, String changedBy,
        Instant changedAt) {
}
