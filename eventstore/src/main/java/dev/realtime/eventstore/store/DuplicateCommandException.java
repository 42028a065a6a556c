package dev.realtime.eventstore.store;

/**
 * Two transactions ran the same command id at once and the other one committed first. The caller retries
 * in a new transaction, which then returns the first result ({@link EventStore#transact} does).
 */
public class DuplicateCommandException extends RuntimeException {
    public DuplicateCommandException(String commandId) {
        super("command " + commandId + " was recorded concurrently");
    }
}
