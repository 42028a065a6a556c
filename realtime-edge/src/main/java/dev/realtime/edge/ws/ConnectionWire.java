package dev.realtime.edge.ws;

import dev.realtime.edge.protocol.OutboundFrame;
import dev.realtime.edge.rooms.Wire;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The wire of a connection without a {@link FrameGuard} (one the installer could not reach): each frame through
 * websockets-next, which queues and flushes it on its own. Correct, and slower than the guard's wire.
 */
final class ConnectionWire implements Wire {
    private static final Logger LOG = Logger.getLogger(ConnectionWire.class);

    private final WebSocketConnection connection;
    private final Context loop;
    private final AtomicInteger unwritten = new AtomicInteger();
    /** Told when nothing is unwritten any more. */
    private final List<WriteListener> whenTaken = new ArrayList<>();

    /** {@code loop}: the connection's context; a drain never runs inline, under the caller's locks. */
    ConnectionWire(WebSocketConnection connection, Context loop) {
        this.connection = connection;
        this.loop = Objects.requireNonNull(loop, "the connection's event loop");
    }

    @Override
    public void drainSoon(Runnable drain) {
        loop.runOnContext(ignored -> drain.run());
    }

    @Override
    public void write(OutboundFrame frame, WriteListener written) {
        unwritten.incrementAndGet();
        connection.sendText(frame.text()).subscribe().with(
                ignored -> taken(written, true),
                failure -> {
                    LOG.debugf("Dropped a frame to connection %s: %s", connection.id(), failure.toString());
                    taken(written, false);
                });
    }

    private void taken(WriteListener written, boolean taken) {
        int left = unwritten.decrementAndGet();
        if (written != null) {
            written.written(taken);
        }
        if (left == 0) {
            List<WriteListener> waiting;
            synchronized (whenTaken) {
                waiting = List.copyOf(whenTaken);
                whenTaken.clear();
            }
            waiting.forEach(listener -> listener.written(taken));
        }
    }

    @Override
    public void whenTaken(WriteListener taken) {
        synchronized (whenTaken) {
            if (unwritten.get() > 0) {
                whenTaken.add(taken);
                return;
            }
        }
        taken.written(true);
    }

    @Override
    public void flush() {
        // websockets-next flushes each frame itself.
    }

    @Override
    public int unwritten() {
        return unwritten.get();
    }
}
