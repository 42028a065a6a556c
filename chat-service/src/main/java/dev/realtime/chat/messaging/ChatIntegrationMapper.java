package dev.realtime.chat.messaging;

import dev.realtime.chat.domain.ChatEvents;
import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.chat.MessageNew;
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
 * Domain events of a conversation → integration events on {@code chat.events}, plus the membership
 * grants on {@code realtime.memberships} that let the edge admit the participants.
 */
@ApplicationScoped
public class ChatIntegrationMapper implements IntegrationMapper {
    public static final URI SOURCE = URI.create("/chat-service");

    @Override
    public List<ProducerRecord<String, byte[]>> map(StoredEvent event) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        toIntegrationEvent(event).ifPresent(integration -> records.add(CloudEventCodec.toRecord(Topics.CHAT_EVENTS, integration)));
        if (ChatEvents.CONVERSATION_CREATED.equals(event.type)) {
            Room room = Room.parse(event.streamId);
            String actor = event.metadata().actor();
            for (ChatEvents.Participant participant : event.dataAs(ChatEvents.ConversationCreated.class).participants()) {
                records.add(new Membership(room, participant.userId(), participant.role()).grantRecord(SOURCE, actor));
            }
        }
        return records;
    }

    /** The integration event a front end sees for this stored event, if it has one. */
    public Optional<IntegrationEvent> toIntegrationEvent(StoredEvent event) {
        String conversationId = Room.parse(event.streamId).id();
        switch (event.type) {
            case ChatEvents.CONVERSATION_CREATED -> {
                ChatEvents.ConversationCreated created = event.dataAs(ChatEvents.ConversationCreated.class);
                ConversationCreated data = new ConversationCreated(conversationId, created.title(), created.createdBy(),
                        created.participants().stream().map(ChatEvents.Participant::userId).toList(),
                        created.projectId(), created.createdAt());
                return Optional.of(IntegrationEvents.of(event, ChatEventTypes.CONVERSATION_CREATED, data, SOURCE));
            }
            case ChatEvents.MESSAGE_POSTED -> {
                ChatEvents.MessagePosted posted = event.dataAs(ChatEvents.MessagePosted.class);
                MessageNew data = new MessageNew(conversationId, posted.messageId(), posted.authorId(),
                        posted.authorName(), posted.text(), null, null, posted.clientMessageId(), posted.postedAt());
                return Optional.of(IntegrationEvents.of(event, ChatEventTypes.MESSAGE_NEW, data, SOURCE));
            }
            default -> {
                return Optional.empty();
            }
        }
    }
}
