package dev.realtime.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.rooms.Room;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class CloudEventCodecTest {

    static final IntegrationEvent EVENT = new IntegrationEvent(
            "0b5d1c8e-1d7c-4a55-9c43-5d0f8b8f2a01",
            URI.create("/chat-service"),
            ChatEventTypes.MESSAGE_NEW.ceType(),
            OffsetDateTime.parse("2026-11-22T10:15:30.123Z"),
            Room.conversation("c-42"),
            7L,
            "alice",
            Json.write(GoldenPayloadTest.MESSAGE));

    @Test
    void writesBinaryModeHeadersAndKeyByRoom() {
        ProducerRecord<String, byte[]> record = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, EVENT);
        Map<String, String> headers = headers(record.headers());
        assertEquals("conversation:c-42", record.key());
        assertEquals(Topics.CHAT_EVENTS, record.topic());
        assertEquals(Map.of(
                "ce_specversion", "1.0",
                "ce_id", "0b5d1c8e-1d7c-4a55-9c43-5d0f8b8f2a01",
                "ce_source", "/chat-service",
                "ce_type", "chat.message.new.v1",
                "ce_time", "2026-11-22T10:15:30.123Z",
                "ce_room", "conversation:c-42",
                "ce_seq", "7",
                "ce_actor", "alice",
                "content-type", "application/json"), headers);
        assertArrayEquals(EVENT.data(), record.value());
    }

    @Test
    void readsWhatItWrites() {
        IntegrationEvent read = CloudEventCodec.fromRecord(consumed(CloudEventCodec.toRecord(Topics.CHAT_EVENTS, EVENT)));
        assertEquals(EVENT.id(), read.id());
        assertEquals(EVENT.type(), read.type());
        assertEquals(EVENT.room(), read.room());
        assertEquals(7L, read.seq());
        assertEquals("alice", read.actor());
        assertEquals(EVENT.time().toInstant(), read.time().toInstant());
        assertEquals(GoldenPayloadTest.MESSAGE, read.dataAs(MessageNew.class));
    }

    @Test
    void readsARecordFromAnOutsideProducerWithHandWrittenHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(UTF_8));
        headers.add("ce_id", "ext-1".getBytes(UTF_8));
        headers.add("ce_source", "urn:billing".getBytes(UTF_8));
        headers.add("ce_type", "com.example.invoice.paid".getBytes(UTF_8));
        headers.add("ce_room", "role:finance".getBytes(UTF_8));
        headers.add("content-type", "application/json".getBytes(UTF_8));
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.RECORDS_EVENTS, 0, 0L, 0L,
                TimestampType.CREATE_TIME, 0, 0, "role:finance", "{\"invoice\":\"42\"}".getBytes(UTF_8), headers,
                java.util.Optional.empty());
        IntegrationEvent read = CloudEventCodec.fromRecord(record);
        assertEquals(Room.role("finance"), read.room());
        assertNull(read.seq());
        assertNull(read.actor());
        assertEquals("{\"invoice\":\"42\"}", new String(read.data(), UTF_8));
    }

    @Test
    void refusesRecordsThatAreNotEventsOfThisSystem() {
        ProducerRecord<String, byte[]> noRoom = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, EVENT);
        noRoom.headers().remove("ce_room");
        assertThrows(InvalidEventException.class, () -> CloudEventCodec.fromRecord(consumed(noRoom)));

        ProducerRecord<String, byte[]> badRoom = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, EVENT);
        badRoom.headers().remove("ce_room").add("ce_room", "chat:1".getBytes(UTF_8));
        assertThrows(InvalidEventException.class, () -> CloudEventCodec.fromRecord(consumed(badRoom)));

        ProducerRecord<String, byte[]> badSeq = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, EVENT);
        badSeq.headers().remove("ce_seq").add("ce_seq", "seven".getBytes(UTF_8));
        assertThrows(InvalidEventException.class, () -> CloudEventCodec.fromRecord(consumed(badSeq)));

        ProducerRecord<String, byte[]> plain = new ProducerRecord<>(Topics.RECORDS_EVENTS, "k", "{}".getBytes(UTF_8));
        assertThrows(InvalidEventException.class, () -> CloudEventCodec.fromRecord(consumed(plain)));
    }

    @Test
    void refusesEventsWhoseStringsCannotBeStored() {
        for (String data : new String[] {"{\"text\":\"a\\u0000b\"}", "{\"m\":{\"title\":\"\\ud800x\"}}",
                "{\"list\":[\"ok\",\"\\udc00\"]}", "{\"k\\u0000\":1}"}) {
            ProducerRecord<String, byte[]> record = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, withData(data));
            InvalidEventException refused = assertThrows(InvalidEventException.class,
                    () -> CloudEventCodec.fromRecord(consumed(record)), data);
            assertTrue(refused.getMessage().contains("cannot be stored"), refused.getMessage());
        }
        ProducerRecord<String, byte[]> badActor = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, EVENT);
        badActor.headers().remove("ce_actor").add("ce_actor", "ali\u0000ce".getBytes(UTF_8));
        assertThrows(InvalidEventException.class, () -> CloudEventCodec.fromRecord(consumed(badActor)));

        // a surrogate pair, and the six characters backslash-u-0-0-0-0 as text, are fine
        String fine = "{\"text\":\"\\ud83c\\udfb8 and \\\\u0000\"}";
        IntegrationEvent read = CloudEventCodec.fromRecord(consumed(CloudEventCodec.toRecord(Topics.CHAT_EVENTS,
                withData(fine))));
        assertEquals("\ud83c\udfb8 and \\u0000", Json.read(read.data(), Map.class).get("text"));
    }

    private static IntegrationEvent withData(String json) {
        return new IntegrationEvent(EVENT.id(), EVENT.source(), EVENT.type(), EVENT.time(), EVENT.room(), EVENT.seq(),
                EVENT.actor(), json.getBytes(UTF_8));
    }

    @Test
    void seqIsOnlyForRoomsWithAnOwningStream() {
        assertThrows(InvalidEventException.class, () -> new IntegrationEvent("1", URI.create("/x"), "t",
                OffsetDateTime.now(), Room.ALL, 3L, null, null));
    }

    @Test
    void membershipKeysRoundTripAndRevokeIsATombstone() {
        Membership membership = new Membership(Room.conversation("c-42"), "auth0|bob", "member");
        assertEquals("conversation:c-42|auth0|bob", membership.key());
        assertEquals(membership, Membership.fromKey(membership.key(), "member"));
        ProducerRecord<String, byte[]> grant = membership.grantRecord(URI.create("/chat-service"), "alice");
        IntegrationEvent read = CloudEventCodec.fromRecord(consumed(grant));
        assertEquals(Membership.GRANTED.ceType(), read.type());
        assertEquals(new Membership.Value("conversation:c-42", "auth0|bob", "member"),
                read.dataAs(Membership.Value.class));
        assertNull(membership.revokeRecord().value());
        assertThrows(InvalidEventException.class, () -> Membership.fromKey("no-separator", null));
    }

    static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> sent) {
        return new ConsumerRecord<>(sent.topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, 0, 0, sent.key(),
                sent.value(), sent.headers(), java.util.Optional.empty());
    }

    static Map<String, String> headers(Iterable<Header> headers) {
        Map<String, String> map = new HashMap<>();
        for (Header header : headers) {
            map.put(header.key(), new String(header.value(), UTF_8));
        }
        return map;
    }
}
