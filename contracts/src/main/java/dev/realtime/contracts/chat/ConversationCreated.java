package dev.realtime.contracts.chat;

import java.time.Instant;
import java.util.List;

/** Data of {@code chat.conversation.created.v1}. */
public record ConversationCreated(
        String conversationId,
        String title,
        String createdBy,
        List<String> participants,
        String projectId,
        Instant createdAt) {
}
