package dev.realtime.chat.store;

import dev.realtime.chat.model.ChatEvents;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.store.Projection;
import dev.realtime.eventstore.store.SqlAppender;
import dev.realtime.eventstore.store.StoredEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Conversations, participants, messages and reactions, kept from the conversation streams. */
@ApplicationScoped
public class ChatProjection implements Projection {

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public Uni<Void> apply(StoredEvent event, Mutiny.Session session) {
        String conversationId = Room.parse(event.streamId).id();
        if (ChatEvents.CONVERSATION_CREATED.equals(event.type)) {
            return created(session, conversationId, event);
        }
        if (ChatEvents.MESSAGE_POSTED.equals(event.type)) {
            return posted(session, conversationId, event);
        }
        return session.find(ConversationEntity.class, conversationId).chain(conversation -> {
            conversation.version = event.version;
            return switch (event.type) {
                case ChatEvents.CONVERSATION_RENAMED -> {
                    conversation.title = event.dataAs(ChatEvents.ConversationRenamed.class).title();
                    yield done();
                }
                case ChatEvents.CONVERSATION_ARCHIVED -> {
                    conversation.archivedAt = event.dataAs(ChatEvents.ConversationArchived.class).archivedAt();
                    yield done();
                }
                case ChatEvents.PARTICIPANT_ADDED -> {
                    ChatEvents.ParticipantAdded added = event.dataAs(ChatEvents.ParticipantAdded.class);
                    yield session.persist(participant(conversationId, added.userId(), added.role(), conversation));
                }
                case ChatEvents.PARTICIPANT_REMOVED -> {
                    ChatEvents.ParticipantRemoved removed = event.dataAs(ChatEvents.ParticipantRemoved.class);
                    yield session.find(ParticipantEntity.class, new ParticipantEntity.Key(conversationId, removed.userId()))
                            .chain(row -> row == null ? done() : session.remove(row));
                }
                case ChatEvents.PARTICIPANT_ROLE_CHANGED -> {
                    ChatEvents.ParticipantRoleChanged changed = event.dataAs(ChatEvents.ParticipantRoleChanged.class);
                    yield session.find(ParticipantEntity.class, new ParticipantEntity.Key(conversationId, changed.userId()))
                            .invoke(row -> {
                                if (row != null) {
                                    row.role = changed.role();
                                }
                            }).replaceWithVoid();
                }
                case ChatEvents.MESSAGE_EDITED -> {
                    ChatEvents.MessageEdited edited = event.dataAs(ChatEvents.MessageEdited.class);
                    yield message(session, edited.messageId()).invoke(message -> {
                        message.text = edited.text();
                        message.mentions = json(edited.mentions());
                        message.editedAt = edited.editedAt();
                    }).replaceWithVoid();
                }
                case ChatEvents.MESSAGE_DELETED -> {
                    ChatEvents.MessageDeleted deleted = event.dataAs(ChatEvents.MessageDeleted.class);
                    yield message(session, deleted.messageId()).invoke(message -> {
                        message.text = "";
                        message.mentions = null;
                        message.deletedAt = deleted.deletedAt();
                        message.deletedBy = event.metadata().actor();
                    }).chain(message -> session.createMutationQuery(
                                    "delete from ReactionEntity r where r.key.messageId = :message")
                            .setParameter("message", message.id).executeUpdate())
                            .replaceWithVoid();
                }
                case ChatEvents.REACTION_ADDED -> {
                    ChatEvents.ReactionChanged reaction = event.dataAs(ChatEvents.ReactionChanged.class);
                    ReactionEntity row = new ReactionEntity();
                    row.key = new ReactionEntity.Key(UUID.fromString(reaction.messageId()), reaction.userId(),
                            reaction.emoji());
                    yield session.persist(row);
                }
                case ChatEvents.REACTION_REMOVED -> {
                    ChatEvents.ReactionChanged reaction = event.dataAs(ChatEvents.ReactionChanged.class);
                    yield session.find(ReactionEntity.class, new ReactionEntity.Key(UUID.fromString(reaction.messageId()),
                                    reaction.userId(), reaction.emoji()))
                            .chain(row -> row == null ? done() : session.remove(row));
                }
                case ChatEvents.MESSAGES_READ -> {
                    ChatEvents.MessagesRead read = event.dataAs(ChatEvents.MessagesRead.class);
                    yield session.find(ParticipantEntity.class, new ParticipantEntity.Key(conversationId, read.userId()))
                            .invoke(row -> {
                                if (row != null && read.seq() > row.lastReadSeq) {
                                    row.lastReadSeq = read.seq();
                                }
                            }).replaceWithVoid();
                }
                default -> done();
            };
        });
    }

    private static Uni<Void> created(Mutiny.Session session, String conversationId, StoredEvent event) {
        ChatEvents.ConversationCreated created = event.dataAs(ChatEvents.ConversationCreated.class);
        ConversationEntity conversation = new ConversationEntity();
        conversation.id = conversationId;
        conversation.title = created.title();
        conversation.createdBy = created.createdBy();
        conversation.projectId = created.projectId();
        conversation.createdAt = created.createdAt();
        conversation.lastActivityAt = created.createdAt();
        conversation.directKey = created.directKey();
        conversation.version = event.version;
        // Flushed at once so that a second direct conversation for the same pair fails inside this append.
        Uni<Void> chain = session.persist(conversation).chain(session::flush);
        for (ChatEvents.Participant participant : created.participants()) {
            chain = chain.chain(() -> session.persist(participant(conversationId, participant.userId(),
                    participant.role(), conversation)));
        }
        return chain;
    }

    /**
     * The rows of a post, written by the statements the post itself ran ({@link PostSql#readModel}), so that they are
     * declared once. Only a replay comes here: a live post appends through SqlAppender, not through a session. The
     * statements change rows behind Hibernate's back, so the session's pending changes are written first and its
     * entities forgotten after (a later event of the replay reads them again).
     */
    private static Uni<Void> posted(Mutiny.Session session, String conversationId, StoredEvent event) {
        ChatEvents.MessagePosted posted = event.dataAs(ChatEvents.MessagePosted.class);
        return session.flush()
                .chain(() -> SqlAppender.replay(session, event.version - 1, PostSql.readModel(conversationId, posted)))
                .invoke(session::clear);
    }

    private static ParticipantEntity participant(String conversationId, String userId, String role,
            ConversationEntity conversation) {
        ParticipantEntity row = new ParticipantEntity();
        row.key = new ParticipantEntity.Key(conversationId, userId);
        row.role = role;
        // A newcomer starts with what is already there read, so unread counts only what arrives after.
        row.lastReadSeq = conversation.version;
        return row;
    }

    private static Uni<MessageEntity> message(Mutiny.Session session, String messageId) {
        return session.find(MessageEntity.class, UUID.fromString(messageId));
    }

    static String json(List<String> values) {
        return values == null || values.isEmpty() ? null : new String(Json.write(values), StandardCharsets.UTF_8);
    }

    private static Uni<Void> done() {
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> reset(Mutiny.Session session) {
        return session.createMutationQuery("delete from ReactionEntity").executeUpdate()
                .chain(() -> session.createMutationQuery("delete from MessageEntity").executeUpdate())
                .chain(() -> session.createMutationQuery("delete from ParticipantEntity").executeUpdate())
                .chain(() -> session.createMutationQuery("delete from ConversationEntity").executeUpdate())
                .replaceWithVoid();
    }

}
