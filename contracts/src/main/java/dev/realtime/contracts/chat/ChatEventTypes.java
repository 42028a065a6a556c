package dev.realtime.contracts.chat;

import dev.realtime.contracts.events.EventType;

/** Integration event types published by chat-service on {@code chat.events}. */
public final class ChatEventTypes {
    public static final EventType CONVERSATION_CREATED =
            new EventType("chat.conversation.created.v1", "conversation:created");
    public static final EventType PARTICIPANT_ADDED =
            new EventType("chat.conversation.participant.added.v1", "conversation:participant:added");
    public static final EventType PARTICIPANT_REMOVED =
            new EventType("chat.conversation.participant.removed.v1", "conversation:participant:removed");
    public static final EventType MESSAGE_NEW = new EventType("chat.message.new.v1", "message:new");

    private ChatEventTypes() {
    }
}
