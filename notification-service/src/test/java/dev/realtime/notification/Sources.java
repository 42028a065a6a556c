package dev.realtime.notification;

import static io.restassured.RestAssured.given;

import dev.realtime.contracts.activity.ActivityEventTypes;
import dev.realtime.contracts.activity.ActivityNew;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.activity.MemberChanged;
import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.chat.ParticipantChanged;
import dev.realtime.contracts.connections.ConnectionEvent;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.EventType;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.records.NotificationRequested;
import dev.realtime.contracts.records.RecordEventTypes;
import dev.realtime.contracts.records.Target;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.contracts.signals.PresenceSignal;
import dev.realtime.contracts.signals.SignalTypes;
import dev.realtime.testkit.KafkaBroker;
import dev.realtime.testkit.Tokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Source events as the other services publish them (a plain producer, CloudEvents binary mode), and REST calls. */
final class Sources {
    private static KafkaProducer<String, byte[]> producer;
    private static final AtomicLong SEQ = new AtomicLong(1);

    private Sources() {
    }

    static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String id() {
        return UUID.randomUUID().toString().substring(0, 12);
    }

    static RequestSpecification as(String user, String... roles) {
        return given().auth().oauth2(Tokens.accessToken(user, roles)).contentType(ContentType.JSON);
    }

    /** Sends an event and waits for the broker's acknowledgement; returns its CloudEvent id. */
    static String send(String topic, EventType type, Room room, Long seq, String actor, Object data) {
        return send(topic, UUID.randomUUID().toString(), type, room, seq, actor, data);
    }

    static String send(String topic, String eventId, EventType type, Room room, Long seq, String actor, Object data) {
        return send(topic, eventId, type, room, seq, actor, data, null);
    }

    static String send(String topic, String eventId, EventType type, Room room, Long seq, String actor, Object data,
            TraceParent trace) {
        IntegrationEvent event = new IntegrationEvent(eventId, URI.create("/test"), type.ceType(),
                OffsetDateTime.now(ZoneOffset.UTC), room, seq, actor, Json.write(data), trace);
        sendRecord(CloudEventCodec.toRecord(topic, event));
        return eventId;
    }

    static void sendRecord(ProducerRecord<String, byte[]> record) {
        try {
            producer().send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String conversationCreated(String conversation, String title, String creator, List<String> participants,
            String projectId) {
        return send(Topics.CHAT_EVENTS, ChatEventTypes.CONVERSATION_CREATED, Room.conversation(conversation),
                SEQ.getAndIncrement(), creator, new ConversationCreated(conversation, title, creator, participants,
                        projectId, false, Instant.now()));
    }

    static String participantAdded(String conversation, String user, String actor) {
        return send(Topics.CHAT_EVENTS, ChatEventTypes.PARTICIPANT_ADDED, Room.conversation(conversation),
                SEQ.getAndIncrement(), actor, new ParticipantChanged(conversation, user, "member"));
    }

    static String participantRemoved(String conversation, String user, String actor) {
        return send(Topics.CHAT_EVENTS, ChatEventTypes.PARTICIPANT_REMOVED, Room.conversation(conversation),
                SEQ.getAndIncrement(), actor, new ParticipantChanged(conversation, user, null));
    }

    static MessageNew message(String conversation, String author, String text, List<String> mentions) {
        return new MessageNew(conversation, UUID.randomUUID().toString(), author, author.toUpperCase(), text, null,
                mentions, null, Instant.now());
    }

    static String messageNew(MessageNew message) {
        return messageNew(UUID.randomUUID().toString(), message);
    }

    static String messageNew(String eventId, MessageNew message) {
        return messageNew(eventId, message, null);
    }

    static String messageNew(String eventId, MessageNew message, TraceParent trace) {
        return send(Topics.CHAT_EVENTS, eventId, ChatEventTypes.MESSAGE_NEW, Room.conversation(message.conversationId()),
                SEQ.getAndIncrement(), message.authorId(), message, trace);
    }

    static String member(boolean joined, String project, String title, String user, String actor) {
        return send(Topics.ACTIVITY_EVENTS, joined ? ActivityEventTypes.MEMBER_JOINED : ActivityEventTypes.MEMBER_LEFT,
                Room.project(project), SEQ.getAndIncrement(), actor, new MemberChanged(id(), project, title, user,
                        "member", new Actor(actor, actor.toUpperCase()), Instant.now()));
    }

    static String commentReply(String project, String actor, String replyToAuthor, String text) {
        var details = Json.mapper().createObjectNode().put(ActivityNew.REPLY_TO_AUTHOR, replyToAuthor).put("text", text);
        return send(Topics.ACTIVITY_EVENTS, ActivityEventTypes.ACTIVITY_NEW, Room.project(project), SEQ.getAndIncrement(),
                actor, new ActivityNew(id(), project, "comment:reply", new Actor(actor, actor.toUpperCase()),
                        new Target("comment", "cm-1", "Mix notes", "/projects/" + project + "/comments/cm-1"),
                        Instant.now(), details));
    }

    static String requested(String requestId, Audience audience, String type, String title) {
        return send(Topics.RECORDS_EVENTS, RecordEventTypes.NOTIFICATION_REQUESTED,
                audience.all() ? Room.ALL : audience.rooms().get(0), null, "importer",
                new NotificationRequested(requestId, audience, type, title, "All 42 rows imported", "importer",
                        "Importer", new Target("import", "imp-1", "Contacts import", "/imports/imp-1")));
    }

    static void presence(String user, int connections) {
        send(Topics.SIGNALS, SignalTypes.PRESENCE, Room.user(user), null, user,
                new PresenceSignal(user, "edge-test", connections, Instant.now()));
    }

    /** A connection lifecycle event as realtime-edge publishes it on realtime.connections. */
    static void connection(String type, ConnectionEvent data) {
        IntegrationEvent event = new IntegrationEvent(UUID.randomUUID().toString(), URI.create("/realtime-edge/test"),
                type, OffsetDateTime.ofInstant(data.at(), ZoneOffset.UTC), Room.user(data.userId()), null,
                data.userId(), Json.write(data));
        sendRecord(CloudEventCodec.toRecord(Topics.CONNECTIONS, event));
    }
}
