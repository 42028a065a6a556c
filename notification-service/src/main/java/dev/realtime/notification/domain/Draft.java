package dev.realtime.notification.domain;

import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.records.Target;
import java.time.Instant;

/** A notification about to be put into an inbox, derived from the source event {@code sourceEventId}. */
public record Draft(String type, String title, String body, Actor actor, Target target, Instant createdAt,
        String sourceEventId) {
}
