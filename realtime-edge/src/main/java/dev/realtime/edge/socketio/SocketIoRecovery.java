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
    Uni<OptionalLong> ownHead(Room ownRoom, String user) {
        return resumer.head(ownRoom, user).onFailure().recoverWithItem(OptionalLong.empty());
    }

    /** A room the recovery replays: held from {@code since} until its replay is out. */
    private record Held(Room room, long since) {
    }

    /**
     * On the session's event loop, right after the open (which held the own room when the offset had its position):
     * joins each room of the plan again, holding its live frames; collects what the client missed in each, from the
     * window or the owners, one room after the other, within {@code realtime.socketio.recovery-max-events} and
     * {@code connect-timeout}; then queues the CONNECT answer (the client's pid when all of it is complete, else a
     * fresh one), the replays, the releases, and a {@code resync} for each room that could not be replayed whole and
     * for each room without seq. Deciding before anything goes out keeps a replay from being sent twice: events the
     * client receives before CONNECT wait in its buffer, and would still be there if the transport dropped meanwhile.
     */
    Uni<Void> recover(EngineSession link, Gateway.Opened opened, Plan plan) {
        Session session = opened.session();
        Room ownRoom = Room.user(session.user());
        List<String> resyncs = new ArrayList<>();
        List<Held> held = new ArrayList<>();
        boolean joinedAll = plan.everyRoomResolved();
        if (plan.ownSeq() == RecoveryOffset.UNKNOWN) {
            joinedAll = false;
            resyncs.add(ServerFrames.resync(ownRoom.name(), null, Resumer.NO_POSITION));
        } else {
            held.add(new Held(ownRoom, plan.ownSeq()));
        }
        for (Map.Entry<Room, Long> entry : plan.rooms().entrySet()) {
            Room room = entry.getKey();
            Long since = entry.getValue() == RecoveryOffset.UNKNOWN ? null : entry.getValue();
            if (!gateway.rejoin(link, room, since)) {
                // Not a member any more (or over the limit): nothing to reload, but not all of it came back.
                joinedAll = false;
            } else if (since == null) {
                joinedAll = false;
                resyncs.add(ServerFrames.resync(room.name(), null, Resumer.NO_POSITION));
            } else {
                held.add(new Held(room, since));
            }
        }
        long deadline = System.nanoTime() + config.socketio().connectTimeout().toNanos();
        int[] budget = {config.socketio().recoveryMaxEvents()};
        List<Resumer.Collected> collected = new ArrayList<>();
        Uni<Void> steps = Uni.createFrom().voidItem();
        for (Held room : held) {
            steps = steps.chain(() -> {
                if (System.nanoTime() > deadline || session.isClosing()) {
                    return Uni.createFrom().item(new Resumer.Collected(List.of(),
                            new Resumer.Outcome(room.since(), false, Resumer.TOO_LONG)));
                }
                return resumer.collect(session, room.room(), room.since(), budget[0]);
            }).invoke(result -> {
                budget[0] -= result.frames().size();
                collected.add(result);
            }).replaceWithVoid();
        }
        boolean resolved = joinedAll;
        return steps.invoke(() -> {
            boolean complete = resolved && collected.stream().allMatch(result -> result.outcome().complete());
            session.send(SocketIoPackets.connectMarker(complete ? plan.pid() : RecoveryOffset.newPid()));
            for (int i = 0; i < held.size(); i++) {
                Held room = held.get(i);
                Resumer.Outcome outcome = collected.get(i).outcome();
                // Queued now, sent in order after the CONNECT answer, paced by the socket.
                session.replay(room.room(), collected.get(i).frames());
                session.releaseLive(room.room());
                if (!outcome.complete()) {
                    resyncs.add(ServerFrames.resync(room.room().name(), room.since(), outcome.reason()));
                }
            }
            resyncs.forEach(session::send);
            for (Room automatic : gateway.automaticRooms(ownRoom, session)) {
                if (!automatic.hasOwningStream()) {
                    session.send(ServerFrames.resync(automatic.name(), null, UNSEQUENCED));
                }
            }
        });
    }
}
