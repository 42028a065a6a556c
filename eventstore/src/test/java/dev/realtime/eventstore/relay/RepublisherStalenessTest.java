package dev.realtime.eventstore.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.eventstore.relay.Republisher.Marker;
import dev.realtime.eventstore.relay.Republisher.TopicState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the relay decides that a derived topic lost what the last re-publish left there. */
class RepublisherStalenessTest {
    static final Marker MARKER = new Marker("cluster-a", "topic-1", Map.of(0, 10L, 1, 0L, 2, 7L), 0, 0);

    @Test
    void theSameTopicAtOrPastTheRecordedEndsIsNotStale() {
        assertNull(Republisher.staleness("t", MARKER, new TopicState("cluster-a", "topic-1", Map.of(0, 10L, 1, 0L, 2, 7L))));
        assertNull(Republisher.staleness("t", MARKER, new TopicState("cluster-a", "topic-1", Map.of(0, 12L, 1, 3L, 2, 7L))));
    }

    @Test
    void everyKindOfLossIsNamed() {
        assertTrue(Republisher.staleness("t", Marker.NONE, new TopicState("cluster-a", "topic-1", Map.of()))
                .contains("no re-publish recorded"));
        assertTrue(Republisher.staleness("t", MARKER, new TopicState("cluster-a", null, Map.of()))
                .contains("does not exist"));
        assertTrue(Republisher.staleness("t", MARKER, new TopicState("cluster-b", "topic-1", Map.of(0, 10L, 1, 0L, 2, 7L)))
                .contains("new Kafka cluster cluster-b"));
        assertTrue(Republisher.staleness("t", MARKER, new TopicState("cluster-a", "topic-2", Map.of(0, 10L, 1, 0L, 2, 7L)))
                .contains("recreated"));
        assertEquals("partition 2 of t ends at 6, below the 7 recorded after the last re-publish",
                Republisher.staleness("t", MARKER, new TopicState("cluster-a", "topic-1", Map.of(0, 10L, 1, 0L, 2, 6L))));
        assertTrue(Republisher.staleness("t", MARKER, new TopicState("cluster-a", "topic-1", Map.of(0, 10L, 1, 0L)))
                .contains("partition 2 of t ends at null"));
    }

    @Test
    void offsetsRoundTripThroughTheirText() {
        Map<Integer, Long> offsets = Map.of(2, 7L, 0, 12L, 1, 0L);
        assertEquals("0:12,1:0,2:7", Republisher.formatOffsets(offsets));
        assertEquals(offsets, Republisher.parseOffsets("0:12,1:0,2:7"));
        assertEquals(Map.of(), Republisher.parseOffsets(null));
    }
}
