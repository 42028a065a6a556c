package dev.realtime.chat.store;

import dev.realtime.chat.domain.ChatEvents;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.projection.Projection;
import dev.realtime.eventstore.store.StoredEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Conversations, participants and messages, kept from the conversation streams. */
@ApplicationScoped
public class ChatProjection implements Projection {

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public Uni<Void> apply(StoredEvent event, Mutiny.Session session) {
        String conversationId = Room.parse(event.streamId).id();
        switch (event.type) {
            case ChatEvents.CONVERSATION_CREATED -> {
                ChatEvents.ConversationCreated created = event.dataAs(ChatEvents.ConversationCreated.class);
                ConversationEntity conversation = new ConversationEntity();
                conversation.id = conversationId;
                conversation.title = created.title();
                conversation.createdBy = created.createdBy();
                conversation.projectId = created.projectId();
                conversation.createdAt = created.createdAt();
                conversation.version = event.version;
                Uni<Void> chain = session.persist(conversation);
                for (ChatEvents.Participant participant : created.participants()) {
                    ParticipantEntity row = new ParticipantEntity();
                    row.key = new ParticipantEntity.Key(conversationId, participant.userId());
                    row.role = participant.role();
                    chain = chain.chain(() -> session.persist(row));
                }
                return chain;
            }
            case ChatEvents.MESSAGE_POSTED -> {
                ChatEvents.MessagePosted posted = event.dataAs(ChatEvents.MessagePosted.class);
                MessageEntity message = new MessageEntity();
                message.id = UUID.fromString(posted.messageId());
                message.conversationId = conversationId;
                message.seq = event.version;
                message.authorId = posted.authorId();
                message.authorName = posted.authorName();
                message.text = posted.text();
                message.postedAt = posted.postedAt();
                return session.persist(message).chain(() -> advance(session, conversationId, event.version));
            }
            default -> {
                return advance(session, conversationId, event.version);
            }
        }
    }

    private static Uni<Void> advance(Mutiny.Session session, String conversationId, long version) {
        return session.find(ConversationEntity.class, conversationId)
                .invoke(conversation -> conversation.version = version)
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> reset(Mutiny.Session session) {
        return session.createMutationQuery("delete from MessageEntity").executeUpdate()
                .chain(() -> session.createMutationQuery("delete from ParticipantEntity").executeUpdate())
                .chain(() -> session.createMutationQuery("delete from ConversationEntity").executeUpdate())
                .replaceWithVoid();
    }
}
