package dev.realtime.contracts.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.live.LiveEventNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * One event of a sequenced room's stream as its owner serves it for a resume: the fields of the live event frame
 * (docs/realtime-protocol.md), so the edge replays it exactly as it would have delivered it live.
 *
 * @param room    the room, the owner's stream ({@code conversation:<id>}, {@code project:<id>}, {@code user:<sub>})
 * @param event   the live event name ({@link LiveEventNames})
 * @param seq     the stream version of the event
 * @param traceId the trace of the request that caused it, if it was traced
 */
public record RoomEvent(String room, String event, String eventId, Long seq, OffsetDateTime time, String actor,
        String traceId, JsonNode data) {

    /** The replayed form of an event; empty for a type the edge never delivers live, so replay does not either. */
    public static Optional<RoomEvent> of(IntegrationEvent event) {
        return LiveEventNames.of(event.type()).map(live -> new RoomEvent(event.room().name(), live, event.id(),
                event.seq(), event.time(), event.actor(), event.trace() == null ? null : event.trace().traceId(),
                data(event)));
    }

    private static JsonNode data(IntegrationEvent event) {
        if (event.data() == null) {
            return null;
        }
        try {
            return Json.mapper().readTree(event.data());
        } catch (IOException e) {
            throw new UncheckedIOException("stored event " + event.id() + " has unreadable data", e);
        }
    }
}
