package dev.realtime.chat.messaging;

import dev.realtime.chat.model.ChatEvents;
import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.ConversationChanged;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.chat.MessageChanged;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.chat.MessageReaction;
import dev.realtime.contracts.chat.MessageRead;
import dev.realtime.contracts.chat.ParticipantChanged;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.relay.IntegrationEvents;
import dev.realtime.eventstore.relay.IntegrationMapper;
import dev.realtime.eventstore.store.StoredEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Domain events of a conversation → integration events on {@code chat.events}, plus the membership changes on
 * {@code realtime.memberships} that let the edge admit or drop a participant at once.
 */
@ApplicationScoped
public class ChatIntegrationMapper implements IntegrationMapper {
    public static final URI SOURCE = URI.create("/chat-service");

    @Override
    public List<ProducerRecord<String, byte[]>> map(StoredEvent event) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        toIntegrationEvent(event)
                .ifPresent(integration -> records.add(CloudEventCodec.toRecord(Topics.CHAT_EVENTS, integration)));
        Room room = Room.parse(event.streamId);
        String actor = event.metadata().actor();
        switch (event.type) {
            case ChatEvents.CONVERSATION_CREATED -> {
                for (ChatEvents.Participant p : event.dataAs(ChatEvents.ConversationCreated.class).participants()) {
                    records.add(grant(room, p.userId(), p.role(), actor));
                }
            }
            case ChatEvents.PARTICIPANT_ADDED -> {
                ChatEvents.ParticipantAdded added = event.dataAs(ChatEvents.ParticipantAdded.class);
                records.add(grant(room, added.userId(), added.role(), actor));
            }
            case ChatEvents.PARTICIPANT_ROLE_CHANGED -> {
                ChatEvents.ParticipantRoleChanged changed = event.dataAs(ChatEvents.ParticipantRoleChanged.class);
                records.add(grant(room, changed.userId(), changed.role(), actor));
            }
            case ChatEvents.PARTICIPANT_REMOVED -> {
                ChatEvents.ParticipantRemoved removed = event.dataAs(ChatEvents.ParticipantRemoved.class);
                records.add(new Membership(room, removed.userId(), null).revokeRecord());
            }
            default -> {
            }
        }
        return records;
    }

    /**
     * The grant of one membership on {@code realtime.memberships}: what a membership change publishes, and what
     * {@link MembershipSnapshot} re-publishes for each current one ({@code actor} null there).
     */
    public static ProducerRecord<String, byte[]> grant(Room room, String userId, String role, String actor) {
        return new Membership(room, userId, role).grantRecord(SOURCE, actor);
    }

    /** The integration event a front end sees for this stored event, if it has one. */
    public Optional<IntegrationEvent> toIntegrationEvent(StoredEvent event) {
        String conversationId = Room.parse(event.streamId).id();
        String actor = event.metadata().actor();
        return Optional.ofNullable(switch (event.type) {
            case ChatEvents.CONVERSATION_CREATED -> {
                ChatEvents.ConversationCreated created = event.dataAs(ChatEvents.ConversationCreated.class);
                yield IntegrationEvents.of(event, ChatEventTypes.CONVERSATION_CREATED, new ConversationCreated(
                        conversationId, created.title(), created.createdBy(),
                        created.participants().stream().map(ChatEvents.Participant::userId).toList(),
                        created.projectId(), created.directKey() != null, created.createdAt()), SOURCE);
            }
            case ChatEvents.CONVERSATION_RENAMED -> {
                ChatEvents.ConversationRenamed renamed = event.dataAs(ChatEvents.ConversationRenamed.class);
                yield IntegrationEvents.of(event, ChatEventTypes.CONVERSATION_RENAMED, new ConversationChanged(
                        conversationId, renamed.title(), false, actor, renamed.renamedAt()), SOURCE);
            }
            case ChatEvents.CONVERSATION_ARCHIVED -> IntegrationEvents.of(event, ChatEventTypes.CONVERSATION_ARCHIVED,
                    new ConversationChanged(conversationId, null, true, actor,
                            event.dataAs(ChatEvents.ConversationArchived.class).archivedAt()), SOURCE);
            case ChatEvents.PARTICIPANT_ADDED -> {
                ChatEvents.ParticipantAdded added = event.dataAs(ChatEvents.ParticipantAdded.class);
                yield IntegrationEvents.of(event, ChatEventTypes.PARTICIPANT_ADDED,
                        new ParticipantChanged(conversationId, added.userId(), added.role()), SOURCE);
            }
            case ChatEvents.PARTICIPANT_REMOVED -> IntegrationEvents.of(event, ChatEventTypes.PARTICIPANT_REMOVED,
                    new ParticipantChanged(conversationId, event.dataAs(ChatEvents.ParticipantRemoved.class).userId(),
                            null), SOURCE);
            case ChatEvents.PARTICIPANT_ROLE_CHANGED -> {
                ChatEvents.ParticipantRoleChanged changed = event.dataAs(ChatEvents.ParticipantRoleChanged.class);
                yield IntegrationEvents.of(event, ChatEventTypes.PARTICIPANT_ROLE_CHANGED,
                        new ParticipantChanged(conversationId, changed.userId(), changed.role()), SOURCE);
            }
            case ChatEvents.MESSAGE_POSTED -> {
                ChatEvents.MessagePosted posted = event.dataAs(ChatEvents.MessagePosted.class);
                yield IntegrationEvents.of(event, ChatEventTypes.MESSAGE_NEW, new MessageNew(conversationId,
                        posted.messageId(), posted.authorId(), posted.authorName(), posted.text(), posted.replyTo(),
                        posted.mentions(), posted.clientMessageId(), posted.postedAt()), SOURCE);
            }
            case ChatEvents.MESSAGE_EDITED -> {
                ChatEvents.MessageEdited edited = event.dataAs(ChatEvents.MessageEdited.class);
                yield IntegrationEvents.of(event, ChatEventTypes.MESSAGE_EDITED, new MessageChanged(conversationId,
                        edited.messageId(), edited.text(), edited.mentions(), actor, edited.editedAt()), SOURCE);
            }
            case ChatEvents.MESSAGE_DELETED -> {
                ChatEvents.MessageDeleted deleted = event.dataAs(ChatEvents.MessageDeleted.class);
                yield IntegrationEvents.of(event, ChatEventTypes.MESSAGE_DELETED, new MessageChanged(conversationId,
                        deleted.messageId(), null, null, actor, deleted.deletedAt()), SOURCE);
            }
            case ChatEvents.REACTION_ADDED, ChatEvents.REACTION_REMOVED -> {
                ChatEvents.ReactionChanged reaction = event.dataAs(ChatEvents.ReactionChanged.class);
                yield IntegrationEvents.of(event, ChatEventTypes.MESSAGE_REACTION, new MessageReaction(conversationId,
                        reaction.messageId(), reaction.userId(), reaction.emoji(),
                        ChatEvents.REACTION_ADDED.equals(event.type) ? MessageReaction.ADDED : MessageReaction.REMOVED,
                        reaction.count()), SOURCE);
            }
            case ChatEvents.MESSAGES_READ -> {
                ChatEvents.MessagesRead read = event.dataAs(ChatEvents.MessagesRead.class);
                yield IntegrationEvents.of(event, ChatEventTypes.MESSAGE_READ, new MessageRead(conversationId,
                        read.userId(), read.messageId(), read.seq(), read.readAt()), SOURCE);
            }
            default -> null;
        });
    }
}
