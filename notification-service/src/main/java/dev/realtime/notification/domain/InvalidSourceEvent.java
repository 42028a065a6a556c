package dev.realtime.notification.domain;

import dev.realtime.eventstore.consumer.RejectedEventException;

/** A source event that can never be handled (bad data): rejected by the consumer policy, logged once, never retried. */
public class InvalidSourceEvent extends RejectedEventException {
    public InvalidSourceEvent(String reason) {
        super(reason);
    }
}
