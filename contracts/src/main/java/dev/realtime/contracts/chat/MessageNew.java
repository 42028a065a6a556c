package dev.realtime.contracts.chat;

import java.time.Instant;
import java.util.List;

/** Data of {@code chat.message.new.v1}: a message posted to a conversation. */
public record MessageNew(
        String conversationId,
        String messageId,
        String authorId,
        String authorName,
        String text,
        String replyTo,
        List<String> mentions,
        String clientMessageId,
        Instant postedAt) {
}
