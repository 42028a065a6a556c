package dev.realtime.chat.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** Request and response bodies of the chat API (docs/chat-api.md). */
public final class ChatDtos {
    public static final int MAX_TEXT = 4000;
    public static final int MAX_TITLE = 200;
    /** User ids are OIDC subjects: printable ASCII without spaces or ':' (see Room). */
    static final String USER_ID = "[\\x21-\\x39\\x3B-\\x7E]{1,128}";
    static final String ENTITY_ID = "[A-Za-z0-9_-]{1,64}";
    static final String CLIENT_ID = "[A-Za-z0-9._:-]{1,100}";
    static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

    private ChatDtos() {
    }

    /** {@code participants}: at most {@code chat.limits.max-participants} with the caller, checked by the service. */
    public record CreateConversation(
            @NotBlank @Size(max = MAX_TITLE) String title,
            List<@NotNull @Pattern(regexp = USER_ID, message = "must be a user id") String> participants,
            @Pattern(regexp = ENTITY_ID, message = "must be a project id") String projectId,
            Boolean direct) {
    }

    public record Rename(@NotBlank @Size(max = MAX_TITLE) String title) {
    }

    public record AddParticipant(
            @NotNull @Pattern(regexp = USER_ID, message = "must be a user id") String userId,
            @Pattern(regexp = "admin|member", message = "must be admin or member") String role) {
    }

    public record ChangeRole(
            @NotNull @Pattern(regexp = "owner|admin|member", message = "must be owner, admin or member") String role) {
    }

    public record PostMessage(
            @NotBlank @Size(max = MAX_TEXT) String text,
            @Pattern(regexp = UUID, message = "must be a message id") String replyTo,
            @Pattern(regexp = CLIENT_ID, message = "must be 1 to 100 characters of letters, digits, '.', '_', ':' or '-'")
            String clientMessageId) {
    }

    public record EditMessage(@NotBlank @Size(max = MAX_TEXT) String text) {
    }

    public record MarkRead(@NotNull @Pattern(regexp = UUID, message = "must be a message id") String messageId) {
    }

    /** {@code lastReadSeq}: the seq of the newest message the participant has read (read receipts). */
    public record Participant(String userId, String role, long lastReadSeq) {
    }

    public record Conversation(String id, String title, boolean direct, boolean archived, String projectId,
            String createdBy, Instant createdAt, Instant lastActivityAt, String myRole, long unreadCount, long version,
            List<Participant> participants) {
    }

    public record ConversationSummary(String id, String title, boolean direct, boolean archived, String projectId,
            String myRole, long unreadCount, Instant lastActivityAt, Message lastMessage, long version) {
    }

    public record ConversationPage(List<ConversationSummary> items, Instant nextBefore) {
    }

    public record Reaction(String emoji, int count, boolean mine) {
    }

    /** A message as history shows it: edits applied; a deleted message is a tombstone with no text. */
    public record Message(String id, String conversationId, long seq, String authorId, String authorName, String text,
            String replyTo, List<String> mentions, Instant postedAt, Instant editedAt, boolean deleted,
            Instant deletedAt, List<Reaction> reactions) {
    }

    /** {@code next}: the cursor for the following page in the same direction, absent at the end. */
    public record MessagePage(List<Message> items, Long next) {
    }

    public record ReadState(long lastReadSeq, long unreadCount) {
    }
}
