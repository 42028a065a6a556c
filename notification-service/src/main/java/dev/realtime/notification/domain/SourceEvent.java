package dev.realtime.notification.domain;

import dev.realtime.contracts.events.TraceParent;
import java.time.Instant;

/**
 * What the rules of who is notified need of the event a notification is derived from, whatever carried it: its
 * {@code id} (every notification of it names it, which makes a redelivery nothing), the {@code source} that
 * published it, its {@code actor} (user id, null when none), its {@code time} (null when the producer gave none), the
 * {@code trace} the notifications continue (null when unknown) and the id of its room ({@code roomId}, the fallback
 * for a conversation id the data leaves out; null when the room has none).
 */
public record SourceEvent(String id, String source, String actor, Instant time, TraceParent trace, String roomId) {

    /** The time of the event, or now when it has none: the time a notification derived from it carries. */
    Instant timeOrNow() {
        return time == null ? Instant.now() : time;
    }
}
