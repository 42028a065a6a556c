package dev.realtime.chat;

import dev.realtime.chat.model.ChatEvents;
import dev.realtime.contracts.chat.ConversationChanged;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.chat.MessageChanged;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.chat.MessageReaction;
import dev.realtime.contracts.chat.MessageRead;
import dev.realtime.contracts.chat.ParticipantChanged;
import dev.realtime.contracts.memberships.Membership;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * For a native image: the records chat-service writes and reads with Jackson outside REST (stored domain events,
 * integration payloads, membership grants), which the REST layer's own registration does not cover.
 */
@RegisterForReflection(targets = {
        ChatEvents.Participant.class, ChatEvents.ConversationCreated.class, ChatEvents.ConversationRenamed.class,
        ChatEvents.ConversationArchived.class, ChatEvents.ParticipantAdded.class, ChatEvents.ParticipantRemoved.class,
        ChatEvents.ParticipantRoleChanged.class, ChatEvents.MessagePosted.class, ChatEvents.MessageEdited.class,
        ChatEvents.MessageDeleted.class, ChatEvents.ReactionChanged.class, ChatEvents.MessagesRead.class,
        ConversationCreated.class, ConversationChanged.class, ParticipantChanged.class, MessageNew.class,
        MessageChanged.class, MessageReaction.class, MessageRead.class, Membership.Value.class })
public final class NativeImageConfig {
    private NativeImageConfig() {
    }
}
