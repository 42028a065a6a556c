package dev.realtime.chat.api;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.realtime.chat.api.ChatDtos.Conversation;
import dev.realtime.chat.api.ChatDtos.ConversationPage;
import dev.realtime.chat.api.ChatDtos.ConversationSummary;
import dev.realtime.chat.api.ChatDtos.Message;
import dev.realtime.chat.api.ChatDtos.Participant;
import dev.realtime.chat.api.ChatDtos.Reaction;
import dev.realtime.chat.domain.ConversationService.Context;
import dev.realtime.chat.model.ChatEvents;
import dev.realtime.chat.store.ConversationEntity;
import dev.realtime.chat.store.MessageEntity;
import dev.realtime.chat.store.ReactionEntity;
import dev.realtime.contracts.events.Json;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Builds the API's views from the read models; every query here runs for a caller already checked. */
@ApplicationScoped
public class ChatViews {
    // HQL, not native SQL: Hibernate 7.2 keeps adding native queries with these result types to its plan cache.
    private static final String MY_CONVERSATIONS = """
            select c.id, c.title, c.directKey, c.archivedAt, c.projectId, p.role, c.lastActivityAt, c.version,
                   c.lastMessageSeq,
                   (select count(m) from MessageEntity m
                     where m.conversationId = c.id and m.seq > p.lastReadSeq
                       and m.authorId <> p.key.userId and m.deletedAt is null)
              from ParticipantEntity p join ConversationEntity c on c.id = p.key.conversationId
             where p.key.userId = :user and (:archived = true or c.archivedAt is null) and c.lastActivityAt < :before
             order by c.lastActivityAt desc, c.id
            """;
    private static final String UNREAD = """
            select count(m) from MessageEntity m
             where m.conversationId = :conversation and m.seq > :lastRead and m.authorId <> :user
               and m.deletedAt is null
            """;

    public Uni<Conversation> conversation(Context context) {
        ConversationEntity c = context.conversation();
        return unread(c.id, context.caller().key.userId(), context.caller().lastReadSeq)
                .map(unread -> new Conversation(c.id, c.title, c.directKey != null, c.archivedAt != null, c.projectId,
                        c.createdBy, c.createdAt, c.lastActivityAt, context.caller().role, unread, c.version,
                        context.participants().stream().map(p -> new Participant(p.key.userId(), p.role, p.lastReadSeq)).toList()));
    }

    public Uni<Long> unread(String conversationId, String userId, long lastReadSeq) {
        return Panache.getSession().chain(session -> session.createSelectionQuery(UNREAD, Long.class)
                .setParameter("conversation", conversationId)
                .setParameter("lastRead", lastReadSeq)
                .setParameter("user", userId)
                .getSingleResult());
    }

    public Uni<ConversationPage> myConversations(String userId, boolean archived, Instant before, int limit) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createSelectionQuery(MY_CONVERSATIONS, Object[].class)
                .setParameter("user", userId)
                .setParameter("archived", archived)
                .setParameter("before", before)
                .setMaxResults(limit)
                .getResultList())
                .chain(rows -> lastMessages(rows, userId).map(last -> {
                    List<ConversationSummary> items = new ArrayList<>();
                    for (Object[] row : rows) {
                        String id = (String) row[0];
                        items.add(new ConversationSummary(id, (String) row[1], row[2] != null, row[3] != null,
                                (String) row[4], (String) row[5], ((Number) row[9]).longValue(), instant(row[6]),
                                last.get(id), ((Number) row[7]).longValue()));
                    }
                    Instant next = rows.size() == limit ? items.get(items.size() - 1).lastActivityAt() : null;
                    return new ConversationPage(items, next);
                })));
    }

    private Uni<Map<String, Message>> lastMessages(List<Object[]> rows, String userId) {
        List<String> ids = rows.stream().filter(row -> row[8] != null).map(row -> (String) row[0]).toList();
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return MessageEntity.<MessageEntity>list("""
                        from MessageEntity m where m.conversationId in ?1
                        and m.seq = (select c.lastMessageSeq from ConversationEntity c where c.id = m.conversationId)""", ids)
                .chain(messages -> messages(messages, userId))
                .map(views -> {
                    Map<String, Message> byConversation = new HashMap<>();
                    views.forEach(view -> byConversation.put(view.conversationId(), view));
                    return byConversation;
                });
    }

    /** Views of {@code rows} in the same order, each with its reactions counted and the caller's own marked. */
    public Uni<List<Message>> messages(List<MessageEntity> rows, String userId) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<UUID> ids = rows.stream().map(row -> row.id).toList();
        return ReactionEntity.<ReactionEntity>list("key.messageId in ?1", ids).map(reactions -> {
            Map<UUID, Map<String, int[]>> byMessage = new HashMap<>();
            for (ReactionEntity reaction : reactions) {
                int[] countAndMine = byMessage.computeIfAbsent(reaction.key.messageId(), k -> new TreeMap<>())
                        .computeIfAbsent(reaction.key.emoji(), k -> new int[2]);
                countAndMine[0]++;
                if (reaction.key.userId().equals(userId)) {
                    countAndMine[1] = 1;
                }
            }
            return rows.stream().map(row -> message(row, byMessage.getOrDefault(row.id, Map.of()))).toList();
        });
    }

    /** The view of a message just posted: no edit, no reaction yet. */
    public static Message posted(String conversationId, long seq, ChatEvents.MessagePosted posted) {
        return new Message(posted.messageId(), conversationId, seq, posted.authorId(), posted.authorName(),
                posted.text(), posted.replyTo(), posted.mentions(), posted.postedAt(), null, false, null, List.of());
    }

    public Uni<Message> message(MessageEntity row, String userId) {
        return messages(List.of(row), userId).map(list -> list.get(0));
    }

    private static Message message(MessageEntity row, Map<String, int[]> reactions) {
        List<Reaction> counted = reactions.entrySet().stream()
                .map(e -> new Reaction(e.getKey(), e.getValue()[0], e.getValue()[1] == 1))
                .sorted(Comparator.comparing(Reaction::count).reversed().thenComparing(Reaction::emoji))
                .toList();
        return new Message(row.id.toString(), row.conversationId, row.seq, row.authorId, row.authorName,
                row.deleted() ? null : row.text, row.replyTo == null ? null : row.replyTo.toString(),
                mentions(row.mentions), row.postedAt, row.editedAt, row.deleted(), row.deletedAt, counted);
    }

    private static List<String> mentions(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.time.LocalDateTime ldt) {
            return ldt.toInstant(java.time.ZoneOffset.UTC);
        }
        return (Instant) value;
    }
}
