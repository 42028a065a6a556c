package dev.realtime.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** Request and response bodies of the chat API. */
public final class ChatDtos {
    public static final int MAX_TEXT = 4000;
    public static final int MAX_TITLE = 200;
    public static final int MAX_PARTICIPANTS = 500;
    /** User ids are OIDC subjects: printable ASCII without spaces or ':' (see Room). */
    static final String USER_ID = "[\\x21-\\x39\\x3B-\\x7E]{1,128}";
    static final String ENTITY_ID = "[A-Za-z0-9_-]{1,64}";
    static final String CLIENT_ID = "[A-Za-z0-9._:-]{1,100}";

    private ChatDtos() {
    }

    public record CreateConversation(
            @NotBlank @Size(max = MAX_TITLE) String title,
            @Size(max = MAX_PARTICIPANTS) List<@NotNull @Pattern(regexp = USER_ID, message = "must be a user id") String> participants,
            @Pattern(regexp = ENTITY_ID, message = "must be a project id") String projectId) {
    }

    public record PostMessage(
            @NotBlank @Size(max = MAX_TEXT) String text,
            @Pattern(regexp = CLIENT_ID, message = "must be 1 to 100 characters of letters, digits, '.', '_', ':' or '-'")
            String clientMessageId) {
    }

    public record Participant(String userId, String role) {
    }

    public record Conversation(String id, String title, String createdBy, String projectId, Instant createdAt,
            long version, List<Participant> participants) {
    }

    public record Message(String id, String conversationId, long seq, String authorId, String authorName, String text,
            Instant postedAt) {
    }

    public record MessagePage(List<Message> items, Long nextBefore) {
    }

    /** One event of a conversation's stream as the edge replays it: the same fields as a live frame. */
    public record RoomEvent(String room, String event, String eventId, long seq, OffsetDateTime time, String actor,
            JsonNode data) {
    }

    public record RoomEventPage(List<RoomEvent> items, long lastSeq, boolean hasMore) {
    }
}
