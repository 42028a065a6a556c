package dev.realtime.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.events.TraceParent;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceParentTest {
    static final String VALUE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void readsTheSpecificationsExample() {
        TraceParent trace = TraceParent.parse(VALUE).orElseThrow();
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", trace.traceId());
        assertEquals("00f067aa0ba902b7", trace.parentId());
        assertTrue(trace.sampled());
        assertEquals(VALUE, trace.format());
        assertFalse(TraceParent.parse(VALUE.substring(0, 53) + "00").orElseThrow().sampled());
    }

    @Test
    void aLaterVersionIsReadAsFarAsVersionZeroGoes() {
        assertEquals(Optional.of(new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01")),
                TraceParent.parse("cc" + VALUE.substring(2) + "-what-comes-later"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"
    })
    void refusesWhatTheSpecificationRefuses(String value) {
        assertEquals(Optional.empty(), TraceParent.parse(value));
    }

    @Test
    void aRandomTraceIsValidUnsampledAndNew() {
        TraceParent one = TraceParent.random();
        assertEquals(Optional.of(one), TraceParent.parse(one.format()));
        assertFalse(one.sampled());
        assertNotEquals(one.traceId(), TraceParent.random().traceId());
    }

    @Test
    void travelsAsTheCloudEventsExtensionAndTheW3cHeader() {
        IntegrationEvent traced = CloudEventCodecTest.EVENT.withTrace(TraceParent.parse(VALUE).orElseThrow());
        ProducerRecord<String, byte[]> record = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, traced);
        assertEquals(VALUE, new String(record.headers().lastHeader("ce_traceparent").value(), UTF_8));
        assertEquals(VALUE, new String(record.headers().lastHeader("traceparent").value(), UTF_8));
        assertEquals(traced.trace(), CloudEventCodec.fromRecord(CloudEventCodecTest.consumed(record)).trace());
    }

    @Test
    void aProducerThatSendsOnlyTheW3cHeaderIsReadToo() {
        ProducerRecord<String, byte[]> record = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, CloudEventCodecTest.EVENT);
        record.headers().add("traceparent", VALUE.getBytes(UTF_8));
        assertEquals(VALUE, CloudEventCodec.fromRecord(CloudEventCodecTest.consumed(record)).trace().format());
    }

    @Test
    void aMalformedContextIsDroppedAndTheEventStillRead() {
        ProducerRecord<String, byte[]> record = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, CloudEventCodecTest.EVENT);
        record.headers().add("ce_traceparent", "00-not-a-trace".getBytes(UTF_8));
        record.headers().add("traceparent", "garbage".getBytes(UTF_8));
        IntegrationEvent read = CloudEventCodec.fromRecord(CloudEventCodecTest.consumed(record));
        assertNull(read.trace());
        assertEquals(CloudEventCodecTest.EVENT.id(), read.id());
    }
}
