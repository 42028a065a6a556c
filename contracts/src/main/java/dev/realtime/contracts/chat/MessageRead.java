package dev.realtime.contracts.chat;

import java.time.Instant;

/** Data of {@code chat.message.read.v1}: {@code userId} has read everything up to {@code messageId} (its {@code seq}). */
public record MessageRead(String conversationId, String userId, String messageId, long seq, Instant readAt) {
}
