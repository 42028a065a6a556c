package dev.realtime.contracts.chat;

import java.time.Instant;
import java.util.List;

/**
 * Data of {@code chat.message.edited.v1} (the new text and mentions) and {@code chat.message.deleted.v1}
 * (no text: the message is a tombstone from now on).
 */
public record MessageChanged(String conversationId, String messageId, String text, List<String> mentions,
        String changedBy, Instant changedAt) {
}
