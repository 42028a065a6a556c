package dev.realtime.activity.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtime.activity.domain.ProjectService.NewActivity;
import dev.realtime.activity.model.Verbs;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.records.RecordChanged;
import dev.realtime.contracts.records.RecordEventTypes;
import dev.realtime.contracts.records.Target;
import java.util.Optional;
import java.util.Set;

/**
 * Which events of other services become activities, and how. Chat: a conversation created with a project id becomes
 * {@code conversation:created} (messages do not: the conversation is their feed, and a busy chat would drown every
 * other activity). Records: a {@code records.record.changed.v1} with a project id becomes {@code record:changed}.
 * Everything else is not for the feed and is ignored without a word; an event meant for the feed but unusable throws
 * {@link InvalidEventException} with the reason.
 */
public final class SourceEvents {
    static final int MAX_TITLE = 300;
    static final int MAX_ID = 200;
    private static final Set<String> CHANGES = Set.of(RecordChanged.CREATED, RecordChanged.UPDATED, RecordChanged.DELETED);

    private SourceEvents() {
    }

    /** An activity for a project, with the command id that makes a redelivery of its source event record nothing. */
    public record SourceActivity(String projectId, NewActivity activity, String commandId, String source) {
    }

    public static Optional<SourceActivity> map(String topic, IntegrationEvent event) {
        if (Topics.CHAT_EVENTS.equals(topic) && ChatEventTypes.CONVERSATION_CREATED.ceType().equals(event.type())) {
            return conversationCreated(topic, event);
        }
        if (Topics.RECORDS_EVENTS.equals(topic) && RecordEventTypes.RECORD_CHANGED.ceType().equals(event.type())) {
            return recordChanged(topic, event);
        }
        return Optional.empty();
    }

    private static Optional<SourceActivity> conversationCreated(String topic, IntegrationEvent event) {
        ConversationCreated created = event.dataAs(ConversationCreated.class);
        if (created.projectId() == null) {
            return Optional.empty();
        }
        String creator = created.createdBy() != null ? created.createdBy() : event.actor();
        require(creator, "createdBy");
        require(created.conversationId(), "conversationId");
        ObjectNode details = Json.mapper().createObjectNode();
        if (created.participants() != null) {
            details.put("participants", created.participants().size());
        }
        String title = created.title() == null || created.title().isBlank() ? "Conversation" : created.title();
        return Optional.of(new SourceActivity(created.projectId(), new NewActivity(Verbs.CONVERSATION_CREATED,
                new Actor(creator, null), "conversation", bounded(created.conversationId(), MAX_ID, "conversationId"),
                truncate(title), null, created.createdAt(), details), commandId(topic, event), topic));
    }

    private static Optional<SourceActivity> recordChanged(String topic, IntegrationEvent event) {
        RecordChanged changed = event.dataAs(RecordChanged.class);
        if (changed.projectId() == null) {
            return Optional.empty();
        }
        Target record = changed.record();
        if (record == null) {
            throw new InvalidEventException("record is missing");
        }
        require(record.type(), "record.type");
        require(record.id(), "record.id");
        require(record.title(), "record.title");
        if (changed.change() == null || !CHANGES.contains(changed.change())) {
            throw new InvalidEventException("change must be one of " + CHANGES);
        }
        if (event.actor() == null) {
            throw new InvalidEventException("the actor extension is missing: activities are recorded for members only");
        }
        ObjectNode details = Json.mapper().createObjectNode().put("change", changed.change());
        if (changed.fields() != null && !changed.fields().isNull()) {
            details.set("fields", changed.fields());
        }
        return Optional.of(new SourceActivity(changed.projectId(), new NewActivity(Verbs.RECORD_CHANGED,
                new Actor(event.actor(), changed.actorName()), bounded(record.type(), 64, "record.type"),
                bounded(record.id(), MAX_ID, "record.id"), truncate(record.title()), record.link(),
                event.time() == null ? null : event.time().toInstant(), details), commandId(topic, event), topic));
    }

    /** CloudEvents are unique by source and id. */
    static String commandId(String topic, IntegrationEvent event) {
        return "source:" + topic + ":" + event.source() + "|" + event.id();
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(field + " is missing");
        }
    }

    private static String bounded(String value, int max, String field) {
        if (value.length() > max) {
            throw new InvalidEventException(field + " is longer than " + max + " characters");
        }
        return value;
    }

    private static String truncate(String title) {
        return title.length() <= MAX_TITLE ? title : title.substring(0, MAX_TITLE - 1) + "\u2026";
    }
}
