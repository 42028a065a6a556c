package dev.realtime.eventstore.store;

/**
 * A command did not get its stream's turn within {@code eventstore.commands.turn-wait}: too many writers of one
 * stream are queued. Nothing was written; the API answers 503 with Retry-After, and the client tries again.
 */
public class StreamBusyException extends RuntimeException {
    private final String streamId;

    public StreamBusyException(String streamId) {
        super("stream " + streamId + " is busy: its writers' queue did not reach this command in time", null, false, false);
        this.streamId = streamId;
    }

    public String streamId() {
        return streamId;
    }
}
