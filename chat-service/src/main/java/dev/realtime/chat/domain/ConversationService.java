package dev.realtime.chat.domain;

import dev.realtime.chat.config.ChatConfig;
import dev.realtime.chat.model.ChatEvents;
import dev.realtime.chat.store.ConversationEntity;
import dev.realtime.chat.store.MessageEntity;
import dev.realtime.chat.store.ParticipantEntity;
import dev.realtime.chat.store.PostSql;
import dev.realtime.chat.store.ReactionEntity;
import dev.realtime.contracts.memberships.Roles;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.store.AppendResult;
import dev.realtime.eventstore.store.CommandRunner;
import dev.realtime.eventstore.store.ConcurrencyException;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.NewEvent;
import dev.realtime.eventstore.store.SqlAppender;
import dev.realtime.eventstore.store.StreamBusyException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The commands of a conversation. Each one loads the conversation and the caller's participation from the read
 * models (in its transaction), decides, and appends the resulting events at the version it read; a concurrent
 * write to the same conversation makes it run again on the new state, so no command is lost and none decides
 * on stale state.
 */
@ApplicationScoped
public class ConversationService {
    @Inject
    CommandRunner commands;

    @Inject
    EventStore store;

    @Inject
    SqlAppender appender;

    @Inject
    PostSql postSql;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    ChatConfig config;

    /**
     * What a command saw and what it appended; {@code result} is null when there was nothing to change, and
     * {@code events} are the events this run decided (a duplicate command appended none of them).
     */
    public record Outcome(Context context, AppendResult result, List<NewEvent> events) {
        public boolean changed() {
            return result != null && !result.duplicate();
        }
    }

    /** The conversation and the caller's participation, as of the command's transaction. */
    public record Context(ConversationEntity conversation, ParticipantEntity caller, List<ParticipantEntity> participants) {
        boolean archived() {
            return conversation.archivedAt != null;
        }

        boolean direct() {
            return conversation.directKey != null;
        }

        Optional<ParticipantEntity> participant(String userId) {
            return participants.stream().filter(p -> p.key.userId().equals(userId)).findFirst();
        }

        List<String> userIds() {
            return participants.stream().map(p -> p.key.userId()).toList();
        }
    }

    public record Created(String conversationId, boolean existing) {
    }

    /**
     * A post's result: the versions appended, or the first post's when {@code result.duplicate()} (then
     * {@code message} is null: the first message is read from the read model).
     */
    public record Posted(AppendResult result, ChatEvents.MessagePosted message) {
    }

    // ---- conversations ----

    public Uni<Created> create(Caller caller, String title, List<String> participantIds, String projectId, boolean direct,
            String idempotencyKey) {
        Set<String> others = new LinkedHashSet<>(participantIds == null ? List.of() : participantIds);
        others.remove(caller.id());
        if (direct && others.size() != 1) {
            throw ChatProblem.conflict("direct-conversation", "A direct conversation has exactly one other participant.");
        }
        if (1 + others.size() > config.limits().maxParticipants()) {
            throw ChatProblem.tooManyParticipants("participants", config.limits().maxParticipants());
        }
        List<ChatEvents.Participant> participants = new ArrayList<>();
        participants.add(new ChatEvents.Participant(caller.id(), direct ? Roles.MEMBER : Roles.OWNER));
        others.forEach(id -> participants.add(new ChatEvents.Participant(id, Roles.MEMBER)));
        String directKey = direct ? directKey(caller.id(), others.iterator().next()) : null;

        String conversationId = UUID.randomUUID().toString();
        ChatEvents.ConversationCreated created = new ChatEvents.ConversationCreated(conversationId, title, caller.id(),
                participants, projectId, now(), directKey);
        String commandId = idempotencyKey == null ? null : "create-conversation:" + caller.id() + ":" + idempotencyKey;
        EventMetadata metadata = EventMetadata.of(caller.id(), commandId);
        String stream = Room.conversation(conversationId).name();
        Uni<Created> create = commands.run(stream, () -> store.append(stream, ExpectedVersion.NO_STREAM,
                        List.of(new NewEvent(ChatEvents.CONVERSATION_CREATED, created)), metadata))
                .map(result -> new Created(Room.parse(result.streamId()).id(), result.duplicate()));
        if (directKey == null) {
            rateLimiter.acquire(RateLimiter.Action.CREATE_CONVERSATION, caller.id());
            return create;
        }
        // One direct conversation per pair: look first; a concurrent create of the same pair fails on the unique
        // index inside its append, and then finds the winner's.
        return existingDirect(directKey)
                .chain(existing -> existing != null ? Uni.createFrom().item(new Created(existing, true))
                        // Opening the pair's existing conversation costs nothing; only a new one counts.
                        : Uni.createFrom().voidItem()
                                .invoke(() -> rateLimiter.acquire(RateLimiter.Action.CREATE_CONVERSATION, caller.id()))
                                .chain(() -> create).onFailure(failure -> isDirectPairTaken(failure))
                                .recoverWithUni(() -> existingDirect(directKey).map(id -> new Created(id, true))));
    }

    public Uni<Outcome> rename(Caller caller, String conversationId, String title) {
        return command(caller, conversationId, null, context -> {
            requireManager(context, "rename");
            requireOpen(context);
            if (context.conversation().title.equals(title)) {
                return List.of();
            }
            return List.of(new NewEvent(ChatEvents.CONVERSATION_RENAMED, new ChatEvents.ConversationRenamed(title, now())));
        });
    }

    public Uni<Outcome> archive(Caller caller, String conversationId) {
        return command(caller, conversationId, null, context -> {
            requireManager(context, "archive");
            if (context.archived()) {
                return List.of();
            }
            return List.of(new NewEvent(ChatEvents.CONVERSATION_ARCHIVED, new ChatEvents.ConversationArchived(now())));
        });
    }

    // ---- participants ----

    public Uni<Outcome> addParticipant(Caller caller, String conversationId, String userId, String role) {
        rateLimiter.acquire(RateLimiter.Action.ADD_PARTICIPANT, caller.id());
        return command(caller, conversationId, null, context -> {
            requireGroup(context);
            requireManager(context, "add participants");
            requireOpen(context);
            if (Roles.ADMIN.equals(role) && !Roles.OWNER.equals(context.caller().role)) {
                throw ChatProblem.forbidden("Only the owner makes admins.");
            }
            if (context.participant(userId).isPresent()) {
                return List.of();
            }
            // Decided on the participants read at the version the append expects: a concurrent add makes this
            // run again on the new list, so two adds cannot both take the last place.
            if (context.participants().size() >= config.limits().maxParticipants()) {
                throw ChatProblem.tooManyParticipants("userId", config.limits().maxParticipants());
            }
            return List.of(new NewEvent(ChatEvents.PARTICIPANT_ADDED, new ChatEvents.ParticipantAdded(userId, role, now())));
        });
    }

    /** Removes {@code userId}; when it is the caller, the caller leaves. */
    public Uni<Outcome> removeParticipant(Caller caller, String conversationId, String userId) {
        return command(caller, conversationId, null, context -> {
            requireGroup(context);
            boolean leaving = userId.equals(caller.id());
            Optional<ParticipantEntity> target = context.participant(userId);
            if (leaving) {
                if (Roles.OWNER.equals(context.caller().role) && context.participants().size() > 1) {
                    throw ChatProblem.conflict("owner-cannot-leave",
                            "The owner cannot leave while others remain; archive the conversation instead.");
                }
            } else {
                requireManager(context, "remove participants");
                if (target.isEmpty()) {
                    return List.of();
                }
                String targetRole = target.get().role;
                if (Roles.OWNER.equals(targetRole)
                        || (Roles.ADMIN.equals(targetRole) && !Roles.OWNER.equals(context.caller().role))) {
                    throw ChatProblem.forbidden("You may not remove this participant.");
                }
            }
            return List.of(new NewEvent(ChatEvents.PARTICIPANT_REMOVED,
                    new ChatEvents.ParticipantRemoved(userId, leaving, now())));
        });
    }

    /**
     * The owner gives {@code userId} another role. Making someone else the owner transfers the ownership: the
     * caller becomes an admin in the same append (so the owner can then leave).
     */
    public Uni<Outcome> changeRole(Caller caller, String conversationId, String userId, String role) {
        return command(caller, conversationId, null, context -> {
            requireGroup(context);
            requireOpen(context);
            if (!Roles.OWNER.equals(context.caller().role)) {
                throw ChatProblem.forbidden("Only the owner changes roles.");
            }
            if (userId.equals(caller.id())) {
                throw ChatProblem.conflict("owner-role", "The owner keeps the role until they make someone else the owner.");
            }
            ParticipantEntity target = context.participant(userId).orElseThrow(ChatProblem::participantNotFound);
            if (target.role.equals(role)) {
                return List.of();
            }
            Instant at = now();
            List<NewEvent> events = new ArrayList<>();
            events.add(new NewEvent(ChatEvents.PARTICIPANT_ROLE_CHANGED, new ChatEvents.ParticipantRoleChanged(userId, role, at)));
            if (Roles.OWNER.equals(role)) {
                events.add(new NewEvent(ChatEvents.PARTICIPANT_ROLE_CHANGED,
                        new ChatEvents.ParticipantRoleChanged(caller.id(), Roles.ADMIN, at)));
            }
            return events;
        });
    }

    // ---- messages ----

    /**
     * Posts a message: the hot command, so it appends through {@link SqlAppender} (event, command and read model
     * in one statement) instead of a Hibernate session, with the checks and the version read in that statement too
     * (a guarded append). The rules are those of the other commands: participants only, not in an archived
     * conversation, a reply to a message of the same conversation, a retried client message id returns the first
     * message. Concurrent posts to one conversation take turns ({@link CommandRunner#runHot}): a post to a quiet
     * conversation costs one statement (two with mentions), one that meets others waits in PostgreSQL for its turn, for
     * at most {@code eventstore.commands.turn-wait}, then gets 503 with Retry-After having stored nothing.
     */
    public Uni<Posted> post(Caller caller, String conversationId, String text, String replyTo, String clientMessageId) {
        rateLimiter.acquire(caller.id());
        Room room = roomOrNotFound(conversationId);
        UUID replyId = replyTo == null ? null : messageIdOrNotFound(replyTo);
        String commandId = clientMessageId == null ? null
                : "post-message:" + conversationId + ":" + caller.id() + ":" + clientMessageId;
        // Taken now, on the request: a post that waits for its turn keeps its own request's trace.
        EventMetadata metadata = EventMetadata.of(caller.id(), commandId);
        return commands.runHot(room.name(), client -> posterOrNotFound(client, conversationId, caller),
                client -> mentions(client, conversationId, caller, text)
                        .chain(mentions -> {
                            ChatEvents.MessagePosted posted = new ChatEvents.MessagePosted(UUID.randomUUID().toString(),
                                    caller.id(), caller.displayName(), text, clientMessageId, now(), replyTo,
                                    mentions.userIds());
                            return appender.appendGuarded(client, room.name(),
                                            PostSql.guard(conversationId, caller.id(), replyId, mentions.readAt()),
                                            List.of(new NewEvent(ChatEvents.MESSAGE_POSTED, posted)), metadata,
                                            PostSql.readModel(conversationId, posted))
                                    .map(result -> result == null ? null : new Posted(result, posted));
                        })
                        // The guard refused: nothing was written, and a read says why.
                        .onItem().ifNull().switchTo(() -> refused(client, room, caller, replyId, metadata)))
                .onFailure(StreamBusyException.class).transform(busy -> ChatProblem.conversationBusy(1));
    }

    /**
     * A post's admission while others queue for its conversation: a caller who does not take part gets the 404 at
     * once, never a wait in that queue (which would tell that the conversation exists and is busy).
     */
    private Uni<Void> posterOrNotFound(SqlClient client, String conversationId, Caller caller) {
        return postSql.context(client, conversationId, caller.id(), false, null).invoke(context -> {
            if (context == null) {
                throw ChatProblem.conversationNotFound();
            }
        }).replaceWithVoid();
    }

    /** Who a post mentions, and the conversation's version when its participants were read (null: not read). */
    private record Mentioned(List<String> userIds, Long readAt) {
        static final Mentioned NOBODY = new Mentioned(List.of(), null);
    }

    /** Who the text mentions among the participants: read only for a text with an '@', the only kind that can. */
    private Uni<Mentioned> mentions(SqlClient client, String conversationId, Caller caller, String text) {
        if (text.indexOf('@') < 0) {
            return Uni.createFrom().item(Mentioned.NOBODY);
        }
        return postSql.context(client, conversationId, caller.id(), true, null)
                // Not a participant: the guard refuses the post, and the read after it says so.
                .map(context -> context == null ? Mentioned.NOBODY
                        : new Mentioned(Mentions.of(text, context.participants()), context.version()));
    }

    /**
     * Why a post's guard refused it: not a participant (404), a retried command (its first result), archived (409),
     * no such reply (404). When none holds any more, the conversation changed between the guard and this read: the
     * post is run again, in the conversation's turn.
     */
    private Uni<Posted> refused(SqlClient client, Room room, Caller caller, UUID replyId, EventMetadata metadata) {
        return postSql.context(client, room.id(), caller.id(), false, replyId).chain(context -> {
            if (context == null) {
                throw ChatProblem.conversationNotFound();
            }
            return appender.recorded(client, metadata.commandId()).map(previous -> {
                if (previous != null) {
                    return new Posted(previous, null);
                }
                if (context.archived()) {
                    throw archived();
                }
                if (replyId != null && !Boolean.TRUE.equals(context.replyFound())) {
                    throw ChatProblem.messageNotFound();
                }
                throw new ConcurrencyException(room.name(), ExpectedVersion.ANY, null);
            });
        });
    }

    public Uni<Outcome> edit(Caller caller, String conversationId, String messageId, String text) {
        return command(caller, conversationId, null, ConversationService::requireOpen,
                context -> messageOrNotFound(conversationId, messageId), (context, message) -> {
            if (!message.authorId.equals(caller.id())) {
                throw ChatProblem.forbidden("Only the author edits a message.");
            }
            if (message.deleted()) {
                throw ChatProblem.conflict("message-deleted", "The message was deleted.");
            }
            if (message.text.equals(text)) {
                return List.of();
            }
            return List.of(new NewEvent(ChatEvents.MESSAGE_EDITED, new ChatEvents.MessageEdited(messageId, text,
                    Mentions.of(text, context.userIds()), now())));
        });
    }

    public Uni<Outcome> delete(Caller caller, String conversationId, String messageId) {
        return command(caller, conversationId, null, context -> { },
                context -> messageOrNotFound(conversationId, messageId), (context, message) -> {
                    if (!message.authorId.equals(caller.id()) && !Roles.manages(context.caller().role)) {
                        throw ChatProblem.forbidden("Only the author, an owner or an admin deletes a message.");
                    }
                    if (message.deleted()) {
                        return List.of();
                    }
                    return List.of(new NewEvent(ChatEvents.MESSAGE_DELETED, new ChatEvents.MessageDeleted(messageId, now())));
                });
    }

    public Uni<Outcome> react(Caller caller, String conversationId, String messageId, String emoji, boolean add) {
        return command(caller, conversationId, null, ConversationService::requireOpen,
                context -> messageOrNotFound(conversationId, messageId).chain(message -> ReactionEntity
                        .<ReactionEntity>findById(new ReactionEntity.Key(message.id, caller.id(), emoji))
                        .chain(existing -> ReactionEntity.count("key.messageId = ?1 and key.emoji = ?2", message.id, emoji)
                                .map(count -> new MessageAndReaction(message, existing != null, count.intValue())))),
                (context, found) -> {
                    if (found.message().deleted()) {
                        throw ChatProblem.conflict("message-deleted", "The message was deleted.");
                    }
                    if (found.reacted() == add) {
                        return List.of();
                    }
                    return List.of(new NewEvent(add ? ChatEvents.REACTION_ADDED : ChatEvents.REACTION_REMOVED,
                            new ChatEvents.ReactionChanged(messageId, caller.id(), emoji,
                                    found.count() + (add ? 1 : -1))));
                });
    }

    public Uni<Outcome> markRead(Caller caller, String conversationId, String messageId) {
        return command(caller, conversationId, null, context -> { },
                context -> messageOrNotFound(conversationId, messageId), (context, message) -> {
                    if (message.seq <= context.caller().lastReadSeq) {
                        return List.of();
                    }
                    return List.of(new NewEvent(ChatEvents.MESSAGES_READ,
                            new ChatEvents.MessagesRead(caller.id(), messageId, message.seq, now())));
                });
    }

    // ---- reads ----

    /** The conversation, if the caller participates in it; otherwise a 404 that reveals nothing. */
    public Uni<Context> participantOrNotFound(String conversationId, String userId) {
        roomOrNotFound(conversationId);
        return ParticipantEntity.<ParticipantEntity>findById(new ParticipantEntity.Key(conversationId, userId))
                .chain(participant -> participant == null
                        ? Uni.createFrom().failure(ChatProblem.conversationNotFound())
                        : ConversationEntity.<ConversationEntity>findById(conversationId)
                                .chain(conversation -> ParticipantEntity.<ParticipantEntity>list(
                                                "key.conversationId = ?1 order by key.userId", conversationId)
                                        .map(all -> new Context(conversation, participant, all))));
    }

    public Uni<MessageEntity> messageOrNotFound(String conversationId, String messageId) {
        UUID id;
        try {
            id = messageIdOrNotFound(messageId);
        } catch (RuntimeException notFound) {
            return Uni.createFrom().failure(notFound);
        }
        return MessageEntity.<MessageEntity>findById(id).chain(message -> message == null
                || !message.conversationId.equals(conversationId)
                        ? Uni.createFrom().failure(ChatProblem.messageNotFound())
                        : Uni.createFrom().item(message));
    }

    // ---- the command pipeline ----

    private record MessageAndReaction(MessageEntity message, boolean reacted, int count) {
    }

    /** Checks on the context, then a lookup, then the decision that produces the events to append. */
    private <T> Uni<Outcome> command(Caller caller, String conversationId, String commandId,
            Consumer<Context> precheck, Function<Context, Uni<T>> lookup,
            BiFunction<Context, T, List<NewEvent>> decide) {
        Room room = roomOrNotFound(conversationId);
        EventMetadata metadata = EventMetadata.of(caller.id(), commandId);
        // A caller who does not take part gets the same 404 at once, never a wait for the conversation's turn (which
        // would tell that it exists and is busy); the check is made again in the turn, where the decision is.
        return requireParticipant(conversationId, caller.id()).chain(() -> commands.run(room.name(),
                () -> participantOrNotFound(conversationId, caller.id())
                        .chain(context -> {
                            precheck.accept(context);
                            return lookup.apply(context).map(found -> decide.apply(context, found))
                                    .chain(events -> events.isEmpty()
                                            ? Uni.createFrom().item(new Outcome(context, null, events))
                                            : store.append(room.name(), context.conversation().version, events,
                                                    metadata)
                                                    .map(result -> new Outcome(context, result, events)));
                        })))
                .onFailure(StreamBusyException.class).transform(busy -> ChatProblem.conversationBusy(1));
    }

    private static Uni<Void> requireParticipant(String conversationId, String userId) {
        return Panache.withSession(() -> ParticipantEntity.<ParticipantEntity>findById(
                        new ParticipantEntity.Key(conversationId, userId)))
                .invoke(participant -> {
                    if (participant == null) {
                        throw ChatProblem.conversationNotFound();
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Outcome> command(Caller caller, String conversationId, String commandId,
            Function<Context, List<NewEvent>> decide) {
        return command(caller, conversationId, commandId, context -> { },
                context -> Uni.createFrom().voidItem(), (context, ignored) -> decide.apply(context));
    }

    private static void requireManager(Context context, String action) {
        if (!Roles.manages(context.caller().role)) {
            throw ChatProblem.forbidden("Only an owner or an admin may " + action + ".");
        }
    }

    private static void requireOpen(Context context) {
        if (context.archived()) {
            throw archived();
        }
    }

    private static RuntimeException archived() {
        return ChatProblem.conflict("conversation-archived", "The conversation is archived.");
    }

    private static UUID messageIdOrNotFound(String messageId) {
        try {
            return UUID.fromString(messageId);
        } catch (IllegalArgumentException e) {
            throw ChatProblem.messageNotFound();
        }
    }

    private static void requireGroup(Context context) {
        if (context.direct()) {
            throw ChatProblem.conflict("direct-conversation", "A direct conversation keeps its two participants.");
        }
    }

    private static Uni<String> existingDirect(String directKey) {
        return Panache.withSession(() -> ConversationEntity.<ConversationEntity>find("directKey", directKey).firstResult()
                .map(conversation -> conversation == null ? null : conversation.id));
    }

    private static boolean isDirectPairTaken(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("chat_conversations_direct_pair")) {
                return true;
            }
        }
        return false;
    }

    static String directKey(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    private static Room roomOrNotFound(String conversationId) {
        try {
            return Room.conversation(conversationId);
        } catch (InvalidRoomException e) {
            throw ChatProblem.conversationNotFound();
        }
    }

    /** Microseconds: what PostgreSQL keeps, so an event and its read model show the same instant. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
