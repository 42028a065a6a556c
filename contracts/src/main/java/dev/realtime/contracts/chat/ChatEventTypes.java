package dev.realtime.contracts.chat;

import dev.realtime.contracts.events.EventType;
import java.util.List;
import java.util.Optional;

/** Integration event types published by chat-service on {@code chat.events}, with their live names. */
public final class ChatEventTypes {
    public static final EventType CONVERSATION_CREATED =
            new EventType("chat.conversation.created.v1", "conversation:created");
    public static final EventType CONVERSATION_RENAMED =
            new EventType("chat.conversation.renamed.v1", "conversation:renamed");
    public static final EventType CONVERSATION_ARCHIVED =
            new EventType("chat.conversation.archived.v1", "conversation:archived");
    public static final EventType PARTICIPANT_ADDED =
            new EventType("chat.conversation.participant.added.v1", "conversation:participant:added");
    public static final EventType PARTICIPANT_REMOVED =
            new EventType("chat.conversation.participant.removed.v1", "conversation:participant:removed");
    public static final EventType PARTICIPANT_ROLE_CHANGED = new EventType(
            "chat.conversation.participant.role-changed.v1", "conversation:participant:role-changed");
    public static final EventType MESSAGE_NEW = new EventType("chat.message.new.v1", "message:new");
    public static final EventType MESSAGE_EDITED = new EventType("chat.message.edited.v1", "message:edited");
    public static final EventType MESSAGE_DELETED = new EventType("chat.message.deleted.v1", "message:deleted");
    public static final EventType MESSAGE_REACTION = new EventType("chat.message.reaction.v1", "message:reaction");
    public static final EventType MESSAGE_READ = new EventType("chat.message.read.v1", "message:read");

    public static final List<EventType> ALL = List.of(CONVERSATION_CREATED, CONVERSATION_RENAMED,
            CONVERSATION_ARCHIVED, PARTICIPANT_ADDED, PARTICIPANT_REMOVED, PARTICIPANT_ROLE_CHANGED, MESSAGE_NEW, MESSAGE_EDITED,
            MESSAGE_DELETED, MESSAGE_REACTION, MESSAGE_READ);

    private ChatEventTypes() {
    }

    public static Optional<EventType> byCeType(String ceType) {
        return ALL.stream().filter(type -> type.ceType().equals(ceType)).findFirst();
    }
}
