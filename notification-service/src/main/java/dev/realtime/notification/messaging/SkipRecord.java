package dev.realtime.notification.messaging;

import dev.realtime.eventstore.consumer.RejectedEventException;

/** A record that can never be handled (bad data): rejected by the consumer policy, logged once, never retried. */
public class SkipRecord extends RejectedEventException {
    public SkipRecord(String reason) {
        super(reason);
    }
}
