package dev.realtime.eventstore.consumer;

/**
 * Thrown by a consumer's handler for an event that can never be handled, whatever is retried: its data breaks the
 * contract, or the domain refuses it (an unknown project, an actor who is not a member). {@link ConsumerPolicy}
 * logs it once, counts it and moves on; anything else a handler throws is taken for a dependency failure and
 * retried.
 */
public class RejectedEventException extends RuntimeException {
    public RejectedEventException(String reason) {
        super(reason, null, false, false);
    }

    public RejectedEventException(String reason, Throwable cause) {
        super(reason, cause, false, false);
    }
}
