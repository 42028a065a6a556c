package dev.realtime.notification.messaging;

import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.ConversationChanged;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.chat.ParticipantChanged;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.notification.domain.ChatNotifications;
import dev.realtime.notification.domain.SourceEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** chat.events → {@link ChatNotifications} (the conversation copy and who is notified of what). */
@ApplicationScoped
public class ChatEventsHandler {

    @Inject
    ChatNotifications notifications;

    public void handle(IntegrationEvent event) throws Exception {
        String type = event.type();
        SourceEvent source = SourceEventMapper.source(event);
        if (ChatEventTypes.CONVERSATION_CREATED.ceType().equals(type)) {
            notifications.conversationCreated(source, event.dataAs(ConversationCreated.class));
        } else if (ChatEventTypes.PARTICIPANT_ADDED.ceType().equals(type)) {
            notifications.participantAdded(source, event.dataAs(ParticipantChanged.class));
        } else if (ChatEventTypes.PARTICIPANT_REMOVED.ceType().equals(type)) {
            notifications.participantRemoved(source, event.dataAs(ParticipantChanged.class));
        } else if (ChatEventTypes.CONVERSATION_RENAMED.ceType().equals(type)) {
            notifications.conversationRenamed(source, event.dataAs(ConversationChanged.class));
        } else if (ChatEventTypes.MESSAGE_NEW.ceType().equals(type)) {
            notifications.messagePosted(source, event.dataAs(MessageNew.class));
        }
    }
}
