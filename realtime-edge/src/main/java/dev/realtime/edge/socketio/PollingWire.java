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
 * session's event loop while it polls.
 */
final class PollingWire implements Wire {
    static final char SEPARATOR = '\u001e';
    private static final OutboundFrame NOOP = OutboundFrame.text("6");

    /** A packet not yet handed to a GET, and who wants to know when it was. */
    record Pending(OutboundFrame frame, WriteListener listener) {
    }

    private final EngineSession session;
    private final List<Pending> pending = new ArrayList<>();
    /** Told once the response carrying everything written before them is out. */
    private final List<WriteListener> takenWaiters = new ArrayList<>();
    /** The client's parked GET, or null. */
    private HttpServerResponse parked;
    private int inFlight;
    /** System.nanoTime() when the oldest pending packet was written, 0 when none is pending. */
    private long pendingSince;
    private boolean closed;
    /** A WebSocket probe succeeded: every GET is answered at once (a noop if nothing waits), so the client can pause. */
    private boolean upgrading;

    PollingWire(EngineSession session) {
        this.session = session;
    }

    @Override
    public void drainSoon(Runnable drain) {
        session.runOnHome(drain);
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
        pending.add(new Pending(frame, written));
    }

    @Override
    public void flush() {
        if (parked != null && !pending.isEmpty()) {
            answer(parked);
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

    /** Parks the client's GET; answered at once when packets wait, or when an upgrade is under way. */
    void park(HttpServerResponse response) {
        parked = response;
        if (upgrading && pending.isEmpty()) {
            write(NOOP, null);
        }
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
     * A WebSocket probe succeeded: the client's parked GET ends now with a noop (as every GET until the switch), so
     * that the client can pause polling and send the upgrade packet.
     */
    void upgrading() {
        upgrading = true;
        if (parked != null) {
            if (pending.isEmpty()) {
                write(NOOP, null);
            }
            flush();
        }
    }

    /** The WebSocket probe failed: the client polls on, and a GET waits for packets again. */
    void probeFailed() {
        upgrading = false;
    }

    /**
     * The upgrade to a WebSocket is done: takes what is pending (written there next, in order) and the waiters, and
     * takes nothing more; a parked GET ends with a noop.
     */
    List<Pending> handOver(List<WriteListener> waiters) {
        if (parked != null) {
            HttpServerResponse response = parked;
            parked = null;
            respond(response, NOOP.text(), List.of(), List.of(), 0);
        }
        closed = true;
        List<Pending> left = new ArrayList<>(pending);
        pending.clear();
        pendingSince = 0;
        waiters.addAll(takenWaiters);
        takenWaiters.clear();
        return left;
    }

    /**
     * No more packets are taken. What is pending (the close packet last) goes to the parked GET, or to the next one;
     * the engine session is forgotten once it is {@link #drained()}, or after a grace period.
     */
    void close() {
        flush();
        closed = true;
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** The session is forgotten: whoever waits for a packet that no GET took is told it never will be. */
    void discard() {
        closed = true;
        List<Pending> left = new ArrayList<>(pending);
        pending.clear();
        List<WriteListener> waiters = new ArrayList<>(takenWaiters);
        takenWaiters.clear();
        left.forEach(packet -> {
            if (packet.listener() != null) {
                packet.listener().written(false);
            }
        });
        waiters.forEach(listener -> listener.written(false));
    }

    /** Whether everything written was handed to a GET (a closed session can be forgotten then). */
    boolean drained() {
        return pending.isEmpty() && inFlight == 0;
    }

    private void answer(HttpServerResponse response) {
        parked = null;
        StringBuilder body = new StringBuilder();
        List<WriteListener> listeners = new ArrayList<>();
        for (Pending packet : pending) {
            if (!body.isEmpty()) {
                body.append(SEPARATOR);
            }
            body.append(packet.frame().text());
            if (packet.listener() != null) {
                listeners.add(packet.listener());
            }
        }
        List<WriteListener> waiters = takenWaiters.isEmpty() ? List.of() : new ArrayList<>(takenWaiters);
        int carried = pending.size();
        inFlight += carried;
        pending.clear();
        takenWaiters.clear();
        pendingSince = 0;
        respond(response, body.toString(), listeners, waiters, carried);
    }

    private void respond(HttpServerResponse response, String body, List<WriteListener> listeners,
            List<WriteListener> waiters, int carried) {
        response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=UTF-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body)
                .onComplete(done -> session.runOnHome(() -> {
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
