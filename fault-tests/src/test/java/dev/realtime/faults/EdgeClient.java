package dev.realtime.faults;

import java.util.List;

/**
 * A client of the edge as the suite judges it: {@link WireClient} (the protocol only, every frame as it came off the
 * wire) or {@link SdkClient} (a front end on the JavaScript SDK, what the SDK hands the application).
 */
interface EdgeClient extends AutoCloseable {

    /** The user the client signs in as (its inbox and {@code user:<sub>} room). */
    String user();

    /** The name of its column in the report. */
    String label();

    /** Every event received so far, in arrival order. */
    List<WireClient.Frame> frames();

    /** Connected, and every room it follows acknowledged on this connection. */
    boolean live();

    /** For a failure message. */
    String state();

    int connections();

    /** Resumes answered {@code complete: false}, or (SDK) resyncs raised: anything the client was told it missed. */
    int incompleteResumes();

    /** What went wrong on the client's side: unexpected error frames, failed sends, unreadable frames. */
    List<String> problems();

    @Override
    void close();
}
