package dev.realtime.contracts.chat;

/** Data of {@code chat.conversation.participant.added.v1}, {@code ...removed.v1} (no role) and {@code ...role-changed.v1}. */
public record ParticipantChanged(String conversationId, String userId, String role) {
}
