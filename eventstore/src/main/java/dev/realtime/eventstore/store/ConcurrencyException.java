package dev.realtime.eventstore.store;

/** The stream was not at the expected version: someone else appended first. The API answers 409. */
public class ConcurrencyException extends RuntimeException {
    private final String streamId;
    private final long expectedVersion;
    private final Long actualVersion;

    public ConcurrencyException(String streamId, long expectedVersion, Long actualVersion) {
        super("stream " + streamId + " is not at version " + expectedVersion
                + (actualVersion == null ? "" : " (it is at " + actualVersion + ")"));
        this.streamId = streamId;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    public String streamId() {
        return streamId;
    }

    public long expectedVersion() {
        return expectedVersion;
    }

    /** The version found, when known; null when the conflict was detected by the unique constraint. */
    public Long actualVersion() {
        return actualVersion;
    }
}
