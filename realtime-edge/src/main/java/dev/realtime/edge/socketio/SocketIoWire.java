package dev.realtime.edge.socketio;

import dev.realtime.edge.protocol.OutboundFrame;
import dev.realtime.edge.rooms.Wire;

/**
 * A session's wire for a Socket.IO client: each native frame is translated once ({@link OutboundFrame#translated},
 * shared by every Socket.IO session of a room) and written as an Engine.IO message on the transport's wire (a
 * WebSocket's {@code FrameGuard} or {@link PollingWire}). The welcome is preceded by the CONNECT answer.
 */
final class SocketIoWire implements Wire {
    private final Wire transport;
    private final String socketId;

    SocketIoWire(Wire transport, String socketId) {
        this.transport = transport;
        this.socketId = socketId;
    }

    @Override
    public void drainSoon(Runnable drain) {
        transport.drainSoon(drain);
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
        if (packet.text().startsWith(SocketIoPackets.WELCOME_PREFIX)) {
            transport.write(SocketIoPackets.connected(socketId), null);
        }
        transport.write(packet, written);
    }

    @Override
    public void flush() {
        transport.flush();
    }

    @Override
    public void whenTaken(WriteListener taken) {
        transport.whenTaken(taken);
    }

    @Override
    public int unwritten() {
        return transport.unwritten();
    }
}
