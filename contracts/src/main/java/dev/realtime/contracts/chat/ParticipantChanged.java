package dev.realtime.contracts.chat;

/** Data of {@code chat.conversation.participant.added.v1} and {@code ...removed.v1}. */
public record ParticipantChanged(String conversationId, String userId, String role) {
}
