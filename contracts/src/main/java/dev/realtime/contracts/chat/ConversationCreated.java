package dev.realtime.contracts.chat;

import java.time.Instant;
import java.util.List;

/** Data of {@code chat.conversation.created.v1}; {@code direct} marks a one-to-one conversation. */
public record ConversationCreated(
        String conversationId,
        String title,
        String createdBy,
        List<String> participants,
        String projectId,
        boolean direct,
        Instant createdAt) {
}
