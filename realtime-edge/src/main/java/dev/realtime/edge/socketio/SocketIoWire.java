package dev.realtime.edge.socketio;

import dev.realtime.edge.protocol.OutboundFrame;
import dev.realtime.edge.rooms.Wire;

/**
 * A session's wire for a Socket.IO client: each native frame is translated once ({@link OutboundFrame#translated},
 * shared by every Socket.IO session of a room) and written as an Engine.IO message on the transport's wire (a
 * WebSocket's {@code FrameGuard} or {@link PollingWire}). The welcome is preceded by the CONNECT answer.
 */
final class SocketIoWire implements Wire {
    private final EngineSession engine;
    private final String socketId;

    SocketIoWire(EngineSession engine, String socketId) {
        this.engine = engine;
        this.socketId = socketId;
    }

    @Override
    public void drainSoon(Runnable drain) {
        engine.transport().drainSoon(drain);
    }

    @Override
    public void write(OutboundFrame frame, WriteListener written) {
        OutboundFrame packet = frame.translated(SocketIoPackets::fromNative);
        if (packet == null) {
            if (written != null) {
                written.written(true);
            }
            return;
        }
        Wire transport = engine.transport();
        if (packet.text().startsWith(SocketIoPackets.WELCOME_PREFIX)) {
            transport.write(SocketIoPackets.connected(socketId), null);
        }
        transport.write(packet, written);
    }

    @Override
    public void flush() {
        engine.transport().flush();
    }

    @Override
    public void whenTaken(WriteListener taken) {
        engine.transport().whenTaken(taken);
    }

    @Override
    public int unwritten() {
        return engine.transport().unwritten();
    }
}
