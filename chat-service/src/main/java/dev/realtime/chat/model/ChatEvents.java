package dev.realtime.chat.model;

import java.time.Instant;
import java.util.List;

/** The domain events of a conversation stream, as stored. Types are versioned; never change a stored shape. */
public final class ChatEvents {
    public static final String CONVERSATION_CREATED = "chat.ConversationCreated.v1";
    public static final String CONVERSATION_RENAMED = "chat.ConversationRenamed.v1";
    public static final String CONVERSATION_ARCHIVED = "chat.ConversationArchived.v1";
    public static final String PARTICIPANT_ADDED = "chat.ParticipantAdded.v1";
    public static final String PARTICIPANT_REMOVED = "chat.ParticipantRemoved.v1";
    public static final String PARTICIPANT_ROLE_CHANGED = "chat.ParticipantRoleChanged.v1";
    public static final String MESSAGE_POSTED = "chat.MessagePosted.v1";
    public static final String MESSAGE_EDITED = "chat.MessageEdited.v1";
    public static final String MESSAGE_DELETED = "chat.MessageDeleted.v1";
    public static final String REACTION_ADDED = "chat.ReactionAdded.v1";
    public static final String REACTION_REMOVED = "chat.ReactionRemoved.v1";
    public static final String MESSAGES_READ = "chat.MessagesRead.v1";

    private ChatEvents() {
    }

    public record Participant(String userId, String role) {
    }

    /** {@code directKey} is set for a one-to-one conversation: the two user ids, sorted, joined by '|'. */
    public record ConversationCreated(String conversationId, String title, String createdBy,
            List<Participant> participants, String projectId, Instant createdAt, String directKey) {
    }

    public record ConversationRenamed(String title, Instant renamedAt) {
    }

    public record ConversationArchived(Instant archivedAt) {
    }

    public record ParticipantAdded(String userId, String role, Instant addedAt) {
    }

    /** {@code left} is true when the user left, false when an owner or admin removed them. */
    public record ParticipantRemoved(String userId, boolean left, Instant removedAt) {
    }

    public record ParticipantRoleChanged(String userId, String role, Instant changedAt) {
    }

    public record MessagePosted(String messageId, String authorId, String authorName, String text,
            String clientMessageId, Instant postedAt, String replyTo, List<String> mentions) {
    }

    public record MessageEdited(String messageId, String text, List<String> mentions, Instant editedAt) {
    }

    public record MessageDeleted(String messageId, Instant deletedAt) {
    }

    /** {@code count}: how many users have this emoji on the message after the change. */
    public record ReactionChanged(String messageId, String userId, String emoji, int count) {
    }

    public record MessagesRead(String userId, String messageId, long seq, Instant readAt) {
    }
}
