package dev.realtime.eventstore.store;

/** Special values of the expected version of {@link EventStore#append}. */
public final class ExpectedVersion {
    /** Append whatever the stream's version is (no optimistic check). */
    public static final long ANY = -1;
    /** The stream must not exist yet. */
    public static final long NO_STREAM = 0;

    private ExpectedVersion() {
    }
}
