package dev.realtime.edge.socketio;

import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.edge.protocol.ServerFrames;
import dev.realtime.edge.resume.Resumer;
import dev.realtime.edge.rooms.Session;
import dev.realtime.edge.ws.Gateway;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Socket.IO's connection state recovery through the edge's resume: a client that reconnects with the {@code pid} and
 * {@code offset} socket.io-client keeps gets what it missed in every room, exactly once and in order, from this
 * instance's window or from the rooms' owners, before its CONNECT answer; the answer carries the same pid
 * ({@code socket.recovered}) only when every room was replayed completely. docs/socketio.md, "Connection state
 * recovery".
 */
@ApplicationScoped
class SocketIoRecovery {
    /** Why a recovered session is told to reload a room without seq (its own role rooms, {@code all}). */
    static final String UNSEQUENCED = "resume.unsequenced";

    @Inject
    Gateway gateway;
    @Inject
    Resumer resumer;
    @Inject
    MembershipIndex memberships;
    @Inject
    EdgeConfig config;

    /** What a reconnecting client asked to recover: its pid, its own room's position, the rooms it resolved to. */
    record Plan(String pid, long ownSeq, Map<Room, Long> rooms, boolean everyRoomResolved) {
    }

    boolean enabled() {
        return config.socketio().recoveryEnabled();
    }

    /**
     * The recovery a CONNECT asks for, or null when it asks for none or its pid or offset is not one this edge wrote
     * (then the client connects afresh: an offset never makes a CONNECT fail). Room hashes resolve only against the
     * rooms the user is a member of now.
     */
    Plan plan(String pid, String offset, String user) {
        if (!RecoveryOffset.isPid(pid)) {
            return null;
        }
        RecoveryOffset.Decoded decoded = RecoveryOffset.decode(offset, config.limits().maxSubscriptions());
        if (decoded == null) {
            return null;
        }
        Map<Room, Long> rooms = RecoveryOffset.resolve(decoded.rooms(), memberships.roomsOf(user));
        return new Plan(pid, decoded.userSeq(), rooms, rooms.size() == decoded.rooms().size());
    }

    /** The position a first connect starts from in the user's own room. */
    Uni<OptionalLong> ownHead(Room ownRoom, String token) {
        return resumer.head(ownRoom, token).onFailure().recoverWithItem(OptionalLong.empty());
    }

    /**
     * Replays the own room (held by the open) and then each room of the plan, one after the other, each step on the
     * session's event loop; then queues the CONNECT answer (the client's pid when all of it was complete, else a
     * fresh one), then a {@code resync} for each room that could not be replayed completely and for each room
     * without seq the session is in.
     */
    Uni<Void> recover(EngineSession link, Gateway.Opened opened, Plan plan) {
        Session session = opened.session();
        Room ownRoom = Room.user(session.user());
        List<String> resyncs = new ArrayList<>();
        boolean[] complete = {plan.everyRoomResolved()};
        Uni<Void> steps;
        if (opened.ownResume() == null) {
            complete[0] = false;
            resyncs.add(ServerFrames.resync(ownRoom.name(), null, Resumer.NO_POSITION));
            steps = Uni.createFrom().voidItem();
        } else {
            steps = onHome(link, opened::ownResume).invoke(resume -> note(ownRoom, resume, resyncs, complete))
                    .replaceWithVoid();
        }
        for (Map.Entry<Room, Long> room : plan.rooms().entrySet()) {
            Long since = room.getValue() == RecoveryOffset.UNKNOWN ? null : room.getValue();
            steps = steps.chain(() -> onHome(link, () -> gateway.rejoin(link, room.getKey(), since))
                    .invoke(resume -> note(room.getKey(), resume, resyncs, complete)).replaceWithVoid());
        }
        return steps.invoke(() -> {
            session.send(SocketIoPackets.connectMarker(complete[0] ? plan.pid() : RecoveryOffset.newPid()));
            resyncs.forEach(session::send);
            for (Room automatic : Gateway.automaticRooms(ownRoom, session)) {
                if (!automatic.hasOwningStream()) {
                    session.send(ServerFrames.resync(automatic.name(), null, UNSEQUENCED));
                }
            }
        });
    }

    private static void note(Room room, ServerFrames.Resume resume, List<String> resyncs, boolean[] complete) {
        if (!resume.complete()) {
            complete[0] = false;
            resyncs.add(ServerFrames.resync(room.name(), resume.since(), resume.reason()));
        }
    }

    /** Runs {@code work} on the session's event loop: a replay completes on the thread of whoever answered it. */
    private static <T> Uni<T> onHome(EngineSession link, Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> link.runOnHome(
                () -> work.get().subscribe().with(emitter::complete, emitter::fail)));
    }
}
