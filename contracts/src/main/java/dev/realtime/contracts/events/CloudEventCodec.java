package dev.realtime.contracts.events;

import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Writes and reads {@link IntegrationEvent}s as Kafka records in CloudEvents binary content mode
 * ({@code ce_*} headers, JSON body) through the CloudEvents Java SDK. The record key is the room name,
 * so one room's events stay in one partition, in order.
 */
public final class CloudEventCodec {
    public static final String ROOM = "room";
    public static final String SEQ = "seq";
    public static final String ACTOR = "actor";
    public static final String JSON = "application/json";
    /** The CloudEvents distributed-tracing extension: the context where the event's transmission started. */
    public static final String TRACEPARENT = "traceparent";

    private CloudEventCodec() {
    }

    public static CloudEvent toCloudEvent(IntegrationEvent event) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(event.id())
                .withSource(event.source())
                .withType(event.type())
                .withTime(event.time())
                .withExtension(ROOM, event.room().name());
        if (event.seq() != null) {
            builder.withExtension(SEQ, event.seq());
        }
        if (event.actor() != null) {
            builder.withExtension(ACTOR, event.actor());
        }
        if (event.trace() != null) {
            builder.withExtension(TRACEPARENT, event.trace().format());
        }
        if (event.data() != null) {
            builder.withDataContentType(JSON).withData(event.data());
        }
        return builder.build();
    }

    public static ProducerRecord<String, byte[]> toRecord(String topic, IntegrationEvent event) {
        return toRecord(topic, event.room().name(), event);
    }

    /**
     * The record in binary mode. An event with a trace context also gets the W3C {@code traceparent} header, which
     * Kafka tracing instrumentations read for the hop (the {@code ce_traceparent} extension names the start).
     */
    public static ProducerRecord<String, byte[]> toRecord(String topic, String key, IntegrationEvent event) {
        ProducerRecord<String, byte[]> record = KafkaMessageFactory.<String>createWriter(topic, null, null, key)
                .writeBinary(toCloudEvent(event));
        if (event.trace() != null) {
            record.headers().add(TraceParent.HEADER, event.trace().format().getBytes(StandardCharsets.US_ASCII));
        }
        return record;
    }

    /**
     * Reads a record written by any producer. Throws {@link InvalidEventException} with a reason when the
     * record is not a CloudEvent 1.0 with a valid {@code room}, or when one of its strings (attributes, or any string
     * of JSON data) is not {@linkplain StorableText storable}.
     */
    public static IntegrationEvent fromRecord(ConsumerRecord<?, byte[]> record) {
        CloudEvent cloudEvent;
        try {
            MessageReader reader = KafkaMessageFactory.createReader(record);
            cloudEvent = reader.toEvent();
        } catch (CloudEventRWException | IllegalStateException e) {
            throw new InvalidEventException("not a CloudEvent: " + e.getMessage());
        }
        IntegrationEvent event = fromCloudEvent(cloudEvent);
        return event.trace() == null ? event.withTrace(traceOf(record.headers().lastHeader(TraceParent.HEADER))) : event;
    }

    /**
     * The trace context of the record's hop: the W3C {@code traceparent} header (the producer's span), else the
     * CloudEvents extension (the start of the transmission); null when neither parses.
     */
    public static TraceParent hopTrace(Headers headers) {
        TraceParent hop = traceOf(headers.lastHeader(TraceParent.HEADER));
        return hop != null ? hop : traceOf(headers.lastHeader("ce_" + TRACEPARENT));
    }

    /** Sets the W3C header to this hop's producer span; the CloudEvents extension keeps the start. */
    public static void setHopTrace(Headers headers, TraceParent hop) {
        headers.remove(TraceParent.HEADER);
        headers.add(TraceParent.HEADER, hop.format().getBytes(StandardCharsets.US_ASCII));
    }

    private static TraceParent traceOf(Header header) {
        return header == null || header.value() == null ? null
                : TraceParent.parse(new String(header.value(), StandardCharsets.US_ASCII)).orElse(null);
    }

    public static IntegrationEvent fromCloudEvent(CloudEvent cloudEvent) {
        if (cloudEvent.getSpecVersion() != SpecVersion.V1) {
            throw new InvalidEventException("CloudEvents spec version must be 1.0");
        }
        Object roomValue = cloudEvent.getExtension(ROOM);
        if (roomValue == null) {
            throw new InvalidEventException("missing extension attribute 'room'");
        }
        Room room;
        try {
            room = Room.parse(roomValue.toString());
        } catch (InvalidRoomException e) {
            throw new InvalidEventException("invalid room: " + e.getMessage());
        }
        Object seqValue = cloudEvent.getExtension(SEQ);
        Long seq = null;
        if (seqValue != null) {
            try {
                seq = Long.valueOf(seqValue.toString());
            } catch (NumberFormatException e) {
                throw new InvalidEventException("extension attribute 'seq' is not an integer");
            }
        }
        Object actorValue = cloudEvent.getExtension(ACTOR);
        byte[] data = cloudEvent.getData() == null ? null : cloudEvent.getData().toBytes();
        refuseUnstorable(cloudEvent, actorValue, data);
        return new IntegrationEvent(
                cloudEvent.getId(),
                cloudEvent.getSource(),
                cloudEvent.getType(),
                cloudEvent.getTime(),
                room,
                seq,
                actorValue == null ? null : actorValue.toString(),
                data,
                traceOf(cloudEvent));
    }

    /** A malformed trace context is dropped, never a reason to refuse the event. */
    private static TraceParent traceOf(CloudEvent cloudEvent) {
        Object value = cloudEvent.getExtension(TRACEPARENT);
        return value == null ? null : TraceParent.parse(value.toString()).orElse(null);
    }

    /**
     * A consumer stores an event's strings (a message text, a title, a name); one PostgreSQL cannot store would fail
     * that write on every retry and stall the consumer. Refused here, at decode, it is a contract breach that every
     * consumer rejects once and counts. Data that is not JSON is left to {@link IntegrationEvent#dataAs}.
     */
    private static void refuseUnstorable(CloudEvent cloudEvent, Object actorValue, byte[] data) {
        if (!StorableText.isStorable(cloudEvent.getId())) {
            throw new InvalidEventException("attribute 'id' " + StorableText.REASON);
        }
        if (!StorableText.isStorable(cloudEvent.getSource().toString())) {
            throw new InvalidEventException("attribute 'source' " + StorableText.REASON);
        }
        if (!StorableText.isStorable(cloudEvent.getType())) {
            throw new InvalidEventException("attribute 'type' " + StorableText.REASON);
        }
        if (actorValue != null && !StorableText.isStorable(actorValue.toString())) {
            throw new InvalidEventException("event " + cloudEvent.getId() + ": extension attribute 'actor' "
                    + StorableText.REASON);
        }
        String contentType = cloudEvent.getDataContentType();
        if (data != null && (contentType == null || contentType.contains("json"))) {
            StorableText.firstUnstorable(data).ifPresent(field -> {
                throw new InvalidEventException("event " + cloudEvent.getId() + ": data." + field + " "
                        + StorableText.REASON);
            });
        }
    }
}
