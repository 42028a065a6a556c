package dev.realtime.chat.domain;

import dev.realtime.chat.store.ConversationEntity;
import dev.realtime.chat.store.MessageEntity;
import dev.realtime.chat.store.ParticipantEntity;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.store.ConcurrencyException;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.NewEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The commands of a conversation: each one checks the caller, then appends to the conversation's stream. */
@ApplicationScoped
public class ConversationService {
    /** Posting commutes with other posts, so a lost race is simply run again on the new version. */
    private static final int POST_RETRIES = 5;

    @Inject
    EventStore store;

    public record Created(String conversationId, long version, boolean duplicate) {
    }

    public record Posted(MessageEntity message, boolean duplicate) {
    }

    public Uni<Created> create(Caller caller, String title, List<String> participantIds, String projectId,
            String idempotencyKey) {
        Set<String> others = new LinkedHashSet<>(participantIds == null ? List.of() : participantIds);
        others.remove(caller.id());
        List<ChatEvents.Participant> participants = new ArrayList<>();
        participants.add(new ChatEvents.Participant(caller.id(), Roles.OWNER));
        others.forEach(id -> participants.add(new ChatEvents.Participant(id, Roles.MEMBER)));

        String conversationId = UUID.randomUUID().toString();
        String stream = Room.conversation(conversationId).name();
        ChatEvents.ConversationCreated created = new ChatEvents.ConversationCreated(conversationId, title, caller.id(),
                participants, projectId, now());
        String commandId = idempotencyKey == null ? null : "create-conversation:" + caller.id() + ":" + idempotencyKey;
        return store.transact(() -> store.append(stream, ExpectedVersion.NO_STREAM,
                        List.of(new NewEvent(ChatEvents.CONVERSATION_CREATED, created)), metadata(caller, commandId)))
                .map(result -> new Created(Room.parse(result.streamId()).id(), result.lastVersion(), result.duplicate()));
    }

    public Uni<Posted> post(Caller caller, String conversationId, String text, String clientMessageId) {
        Room room = roomOrNotFound(conversationId);
        String commandId = clientMessageId == null ? null
                : "post-message:" + conversationId + ":" + caller.id() + ":" + clientMessageId;
        return store.transact(() -> participantOrNotFound(conversationId, caller.id())
                        .chain(conversation -> {
                            ChatEvents.MessagePosted posted = new ChatEvents.MessagePosted(UUID.randomUUID().toString(),
                                    caller.id(), caller.displayName(), text, clientMessageId, now());
                            return store.append(room.name(), conversation.version,
                                    List.of(new NewEvent(ChatEvents.MESSAGE_POSTED, posted)), metadata(caller, commandId));
                        })
                        .chain(result -> MessageEntity.<MessageEntity>find("conversationId = ?1 and seq = ?2",
                                        conversationId, result.lastVersion())
                                .firstResult()
                                .map(message -> new Posted(message, result.duplicate()))))
                .onFailure(ConcurrencyException.class).retry().atMost(POST_RETRIES);
    }

    /** The conversation, if the caller participates in it; otherwise a 404 that reveals nothing. */
    public Uni<ConversationEntity> participantOrNotFound(String conversationId, String userId) {
        roomOrNotFound(conversationId);
        return ParticipantEntity.<ParticipantEntity>findById(new ParticipantEntity.Key(conversationId, userId))
                .chain(participant -> participant == null
                        ? Uni.createFrom().failure(new NotFoundProblem())
                        : ConversationEntity.<ConversationEntity>findById(conversationId));
    }

    private static Room roomOrNotFound(String conversationId) {
        try {
            return Room.conversation(conversationId);
        } catch (InvalidRoomException e) {
            throw new NotFoundProblem();
        }
    }

    private static EventMetadata metadata(Caller caller, String commandId) {
        return EventMetadata.of(caller.id(), commandId);
    }

    /** Microseconds: what PostgreSQL keeps, so an event and its read model show the same instant. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
