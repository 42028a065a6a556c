package dev.realtime.edge.socketio;

import dev.realtime.edge.protocol.OutboundFrame;
import dev.realtime.edge.rooms.Wire;
import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Engine.IO's HTTP long-polling transport, as a wire: packets wait in {@code pending} until the client's GET is
 * parked here, which is then answered with all of them, separated by {@code \x1e}. Everything runs on the engine
 * session's home event loop.
 */
final class PollingWire implements Wire {
    static final char SEPARATOR = '\u001e';

    private final Context home;
    private final List<OutboundFrame> pending = new ArrayList<>();
    private final List<WriteListener> pendingListeners = new ArrayList<>();
    /** Told once the response carrying everything written before them is out. */
    private final List<WriteListener> takenWaiters = new ArrayList<>();
    /** The client's parked GET, or null. */
    private HttpServerResponse parked;
    private int inFlight;
    /** System.nanoTime() when the oldest pending packet was written, 0 when none is pending. */
    private long pendingSince;
    private boolean closed;

    PollingWire(Context home) {
        this.home = home;
    }

    @Override
    public void drainSoon(Runnable drain) {
        home.runOnContext(ignored -> drain.run());
    }

    @Override
    public void write(OutboundFrame frame, WriteListener written) {
        if (closed) {
            if (written != null) {
                written.written(false);
            }
            return;
        }
        if (pending.isEmpty()) {
            pendingSince = System.nanoTime();
        }
        pending.add(frame);
        if (written != null) {
            pendingListeners.add(written);
        }
    }

    @Override
    public void flush() {
        if (parked != null && !pending.isEmpty()) {
            answer();
        }
    }

    @Override
    public void whenTaken(WriteListener taken) {
        if (pending.isEmpty() && inFlight == 0) {
            taken.written(true);
        } else {
            takenWaiters.add(taken);
        }
    }

    @Override
    public int unwritten() {
        return pending.size() + inFlight;
    }

    /** How long packets have waited without a GET to carry them; 0 while the client polls. */
    long stalledForNanos(long now) {
        long since = pendingSince;
        return since == 0 || parked != null ? 0 : Math.max(0, now - since);
    }

    boolean hasParked() {
        return parked != null;
    }

    /** Parks the client's GET; answered at once when packets wait. */
    void park(HttpServerResponse response) {
        parked = response;
        flush();
    }

    /** The GET's connection closed; true when it was still parked (the client gave up on it). */
    boolean unpark(HttpServerResponse response) {
        if (parked == response) {
            parked = null;
            return true;
        }
        return false;
    }

    /**
     * No more packets are taken. What is pending (the close packet last) goes to the parked GET, or to the next one;
     * the engine session is forgotten once it is {@link #drained()}, or after a grace period.
     */
    void close() {
        flush();
        closed = true;
    }

    /** Whether everything written was handed to a GET (a closed session can be forgotten then). */
    boolean drained() {
        return pending.isEmpty() && inFlight == 0;
    }

    private void answer() {
        HttpServerResponse response = parked;
        parked = null;
        StringBuilder body = new StringBuilder();
        for (OutboundFrame frame : pending) {
            if (!body.isEmpty()) {
                body.append(SEPARATOR);
            }
            body.append(frame.text());
        }
        List<WriteListener> listeners = pendingListeners.isEmpty() ? List.of() : new ArrayList<>(pendingListeners);
        List<WriteListener> waiters = takenWaiters.isEmpty() ? List.of() : new ArrayList<>(takenWaiters);
        inFlight += pending.size();
        int carried = pending.size();
        pending.clear();
        pendingListeners.clear();
        takenWaiters.clear();
        pendingSince = 0;
        response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=UTF-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body.toString())
                .onComplete(done -> home.runOnContext(ignored -> {
                    inFlight -= carried;
                    listeners.forEach(listener -> listener.written(done.succeeded()));
                    waiters.forEach(listener -> listener.written(done.succeeded()));
                    if (pending.isEmpty() && inFlight == 0 && !takenWaiters.isEmpty()) {
                        List<WriteListener> later = new ArrayList<>(takenWaiters);
                        takenWaiters.clear();
                        later.forEach(listener -> listener.written(done.succeeded()));
                    }
                }));
    }
}
