package dev.realtime.notification.model;

import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.records.Target;
import java.time.Instant;

/**
 * A notification about to be put into an inbox, derived from the source event {@code sourceEventId}, whose trace
 * context ({@code trace}, null when unknown) the stored notification continues.
 */
public record Draft(String type, String title, String body, Actor actor, Target target, Instant createdAt,
        String sourceEventId, TraceParent trace) {

    public Draft(String type, String title, String body, Actor actor, Target target, Instant createdAt,
            String sourceEventId) {
        this(type, title, body, actor, target, createdAt, sourceEventId, null);
    }

    public Draft withTrace(TraceParent trace) {
        return new Draft(type, title, body, actor, target, createdAt, sourceEventId, trace);
    }
}
