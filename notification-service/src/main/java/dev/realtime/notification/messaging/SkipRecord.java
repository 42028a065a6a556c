package dev.realtime.notification.messaging;

/** A record that can never be handled (bad data): logged once and skipped, never retried. */
public class SkipRecord extends RuntimeException {
    public SkipRecord(String reason) {
        super(reason, null, false, false);
    }
}
