package dev.realtime.chat.domain;

import java.time.Instant;
import java.util.List;

/** The domain events of a conversation stream, as stored. Types are versioned; never change a stored shape. */
public final class ChatEvents {
    public static final String CONVERSATION_CREATED = "chat.ConversationCreated.v1";
    public static final String MESSAGE_POSTED = "chat.MessagePosted.v1";

    private ChatEvents() {
    }

    public record Participant(String userId, String role) {
    }

    public record ConversationCreated(String conversationId, String title, String createdBy,
            List<Participant> participants, String projectId, Instant createdAt) {
    }

    public record MessagePosted(String messageId, String authorId, String authorName, String text,
            String clientMessageId, Instant postedAt) {
    }
}
