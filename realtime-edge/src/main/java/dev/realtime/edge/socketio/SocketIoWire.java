package dev.realtime.edge.socketio;

import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.protocol.OutboundFrame;
import dev.realtime.edge.rooms.Wire;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A session's wire for a Socket.IO client: each native frame is translated once ({@link OutboundFrame#translated},
 * shared by every Socket.IO session of a room) and written as an Engine.IO message on the transport's wire (a
 * WebSocket's {@code FrameGuard} or {@link PollingWire}). The welcome is preceded by the CONNECT answer.
 *
 * <p>With connection state recovery on, the wire also keeps the session's position in each sequenced room it is in,
 * updated as frames are <em>written</em>, so they always say what this client was sent, in the order it receives
 * it, however the session's hold, catch-up and replay queues ordered the work; every sequenced event carries the
 * resulting offset ({@link RecoveryOffset}) as its last argument, which is what socket.io-client keeps and sends back
 * on reconnect. Runs on the session's event loop only.
 */
final class SocketIoWire implements Wire {
    private final EngineSession engine;
    private final String socketId;
    /** The pid of the CONNECT answer at the welcome; null when recovery is off (no pid, no offsets). */
    private final String pid;
    /** A recovering session's CONNECT answer waits for its marker, after the replay. */
    private boolean connectWaits;
    private final Room ownRoom;
    private long ownSeq;
    /** The joined conversation and project rooms' positions, in join order; null when recovery is off. */
    private final Map<Room, RecoveryOffset.Position> positions;

    private SocketIoWire(EngineSession engine, String socketId, String pid, boolean connectWaits, Room ownRoom,
            long ownSeq, Map<Room, Long> rooms) {
        this.engine = engine;
        this.socketId = socketId;
        this.pid = pid;
        this.connectWaits = connectWaits;
        this.ownRoom = ownRoom;
        this.ownSeq = ownSeq;
        if (pid == null && !connectWaits) {
            this.positions = null;
        } else {
            this.positions = new LinkedHashMap<>();
            rooms.forEach((room, seq) -> positions.put(room, new RecoveryOffset.Position(room, seq)));
        }
    }

    /** A wire without recovery: {@code 40{"sid"}}, events as they are. */
    static SocketIoWire withoutRecovery(EngineSession engine, String socketId) {
        return new SocketIoWire(engine, socketId, null, false, null, RecoveryOffset.UNKNOWN, Map.of());
    }

    /** A first connect's wire: {@code 40{"sid","pid"}} at the welcome, the own room at {@code ownSeq}. */
    static SocketIoWire fresh(EngineSession engine, String socketId, String pid, Room ownRoom, long ownSeq) {
        return new SocketIoWire(engine, socketId, pid, false, ownRoom, ownSeq, Map.of());
    }

    /** A recovering session's wire: positions from the client's offset; CONNECT waits for its marker. */
    static SocketIoWire recovering(EngineSession engine, String socketId, Room ownRoom, long ownSeq,
            Map<Room, Long> rooms) {
        return new SocketIoWire(engine, socketId, null, true, ownRoom, ownSeq, rooms);
    }

    @Override
    public void drainSoon(Runnable drain) {
        engine.transport().drainSoon(drain);
    }

    @Override
    public void write(OutboundFrame frame, WriteListener written) {
        SocketIoPackets.Translated packet = frame.translated(SocketIoPackets::fromNative);
        Wire transport = engine.transport();
        switch (packet.kind()) {
            case NONE -> done(written);
            case PLAIN -> transport.write(packet.packet(), written);
            case WELCOME -> {
                if (!connectWaits) {
                    transport.write(SocketIoPackets.connected(socketId, pid), null);
                    writePosition(transport);
                }
                transport.write(packet.packet(), written);
            }
            case SEQUENCED -> {
                if (positions == null) {
                    transport.write(packet.packet(), written);
                } else {
                    moveTo(packet.room(), packet.seq());
                    transport.write(SocketIoPackets.withOffset(packet.packet(), offset()), written);
                }
            }
            case LEFT -> {
                transport.write(packet.packet(), written);
                if (positions != null && positions.remove(packet.room()) != null) {
                    transport.write(SocketIoPackets.position(offset()), null);
                }
            }
            case POSITION -> {
                if (positions != null && !packet.room().equals(ownRoom)) {
                    if (packet.seq() == SocketIoPackets.REMOVED) {
                        positions.remove(packet.room());
                    } else {
                        positions.computeIfAbsent(packet.room(),
                                room -> new RecoveryOffset.Position(room, packet.seq()));
                    }
                    transport.write(SocketIoPackets.position(offset()), written);
                } else {
                    done(written);
                }
            }
            case CONNECT -> {
                connectWaits = false;
                transport.write(SocketIoPackets.connected(socketId, packet.pid()), written);
                writePosition(transport);
            }
        }
    }

    /**
     * The offset as it stands, right after the CONNECT answer: a client that gets no event before it reconnects still
     * has one to send (socket.io-client keeps any string last argument of an event once it has a pid).
     */
    private void writePosition(Wire transport) {
        if (positions != null) {
            transport.write(SocketIoPackets.position(offset()), null);
        }
    }

    /**
     * Only rooms with a position move: every room the session joins gets one first (a marker queued before the join,
     * or the recovered offset), so an event of a room the client has just left (delivered from a fan-out that began
     * before the leave) cannot bring the room back into the offset.
     */
    private void moveTo(Room room, long seq) {
        if (room.equals(ownRoom)) {
            ownSeq = seq;
        } else {
            RecoveryOffset.Position position = positions.get(room);
            if (position != null) {
                position.seq = seq;
            }
        }
    }

    private String offset() {
        return RecoveryOffset.encode(ownSeq, positions.values());
    }

    private static void done(WriteListener written) {
        if (written != null) {
            written.written(true);
        }
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
