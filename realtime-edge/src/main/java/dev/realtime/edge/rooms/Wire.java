package dev.realtime.edge.rooms;

import dev.realtime.edge.protocol.OutboundFrame;

/**
 * The socket under a session, as the session writes to it. A session queues its frames itself and hands them to
 * the wire in one go on the connection's event loop ({@link #drainSoon}), with one flush: a fan-out to thousands of
 * sessions costs one task per event loop and one flush per connection, not a task, a future and a flush per frame.
 */
public interface Wire {
    /**
     * Runs {@code drain} on the connection's event loop, soon, from any thread; the drains of all connections
     * requested before the loop gets to them run together, in one task.
     */
    void drainSoon(Runnable drain);

    /**
     * On the event loop: writes a frame, flushed by the next {@link #flush}. {@code written}, when not null, is
     * told on the event loop once the socket took the frame, or that it never will (the connection closed).
     */
    void write(OutboundFrame frame, WriteListener written);

    /** On the event loop: hands what was written to the socket. */
    void flush();

    /** On the event loop: {@code taken} is told once the socket took every frame written so far. */
    void whenTaken(WriteListener taken);

    /** On the event loop: frames flushed that the socket has not taken yet (the client is not reading fast enough). */
    int unwritten();

    interface WriteListener {
        void written(boolean taken);
    }
}
