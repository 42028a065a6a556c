package dev.realtime.contracts.events;

/** A record on a topic that is not a valid event of this system; consumers skip it and count it. */
public class InvalidEventException extends IllegalArgumentException {
    public InvalidEventException(String reason) {
        super(reason);
    }
}
