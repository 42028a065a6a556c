package dev.realtime.edge.ws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.connections.ConnectionEventTypes;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.lifecycle.ConnectionEvents;
import dev.realtime.edge.metrics.EdgeMetrics;
import dev.realtime.edge.presence.PresenceService;
import dev.realtime.edge.presence.TypingRelay;
import dev.realtime.edge.protocol.ClientFrame;
import dev.realtime.edge.protocol.CloseCodes;
import dev.realtime.edge.protocol.ServerFrames;
import dev.realtime.edge.resume.Resumer;
import dev.realtime.edge.rooms.RoomAccess;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.ServerWebSocket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * The WebSocket gateway: a connection's life after {@link GatewayRoute} upgraded it. The connection's user is
 * fixed at the upgrade; only a token of the same user can extend it ({@code refresh}). Frames and codes are
 * specified in docs/realtime-protocol.md.
 *
 * <p>Everything here runs on the connection's event loop: all it does is in-memory map work and queued writes.
 * Client frames are handled one at a time: while a frame's answer waits for something (a resume, a token check),
 * the socket is paused, so answers keep the order of the frames they answer.
 */
@ApplicationScoped
public class Gateway {
    private static final Logger LOG = Logger.getLogger(Gateway.class);

    @Inject
    TokenRefresh tokens;
    @Inject
    RoomRegistry rooms;
    @Inject
    RoomAccess access;
    @Inject
    PresenceService presence;
    @Inject
    TypingRelay typing;
    @Inject
    EdgeConfig config;
    @Inject
    EdgeMetrics metrics;
    @Inject
    Resumer resumer;
    @Inject
    ConnectionEvents lifecycle;
    private final RoleRooms.Known roleRooms = new RoleRooms.Known();

    /** What the upgrade (or handshake) request said that the connection's opened event reports, and its {@code since}. */
    public record Handshake(String origin, String userAgent, String remoteAddress, OptionalLong since) {
        public Handshake withSince(long seq) {
            return new Handshake(origin, userAgent, remoteAddress, OptionalLong.of(seq));
        }
    }

    /** Opens the session of a {@code /ws} socket just upgraded, on its event loop. */
    void open(ServerWebSocket socket, FrameGuard guard, Caller caller, Handshake handshake) {
        GatewayConnection connection = new GatewayConnection(socket, this, caller.subject());
        guard.describe(connection);
        Session session;
        try {
            session = open(connection, new Session.Socket(guard.inbound(), guard::stalledForNanos, guard), caller,
                    handshake);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Opening connection %s failed", connection.id());
            if (connection.session() != null) {
                onClose(connection);
            }
            connection.close(1011, "internal error");
            return;
        }
        if (session == null) {
            return;
        }
        guard.upgraded();
        socket.textMessageHandler(connection);
        // The server's pings are answered by every live client: that is what keeps an idle connection open.
        socket.pongHandler(ignored -> session.touch());
        socket.closeHandler(ignored -> onClose(connection));
        socket.exceptionHandler(failure -> onFailure(connection, failure));
        if (socket.isClosed()) {
            // Closed before the close handler was set (it runs in the upgrade's turn today; this does not rely on it).
            onClose(connection);
        }
    }

    /**
     * Opens the session of a link on its event loop: the user's automatic rooms, the welcome, a resume of the user's
     * room when the handshake asked for one. Null when the connection is refused (closed with a close code).
     */
    public Session open(GatewayLink connection, Session.Socket socket, Caller caller, Handshake handshake) {
        Opened opened = openLink(connection, socket, caller, handshake);
        if (opened != null && opened.ownResume() != null) {
            Room ownRoom = Room.user(opened.session().user());
            // The client's frames wait until this completes, as after a subscribe with since.
            serially(connection, opened.ownResume()
                    .invoke(resume -> opened.session().send(ServerFrames.resumed(ownRoom.name(), resume)))
                    .replaceWithVoid());
        }
        return opened == null ? null : opened.session();
    }

    /**
     * A session just opened, and the resume of the user's own room that the handshake's {@code since} asked for
     * (null when it asked for none): its live frames are held until the caller subscribes to it.
     */
    public record Opened(Session session, Uni<ServerFrames.Resume> ownResume) {
    }

    /** {@link #open} that leaves the resume of the user's own room, and what to tell the client of it, to the caller. */
    public Opened openLink(GatewayLink connection, Session.Socket socket, Caller caller, Handshake handshake) {
        String subject = caller.subject();
        Room ownRoom;
        try {
            ownRoom = Room.user(subject);
        } catch (InvalidRoomException e) {
            // identity-guard refuses such identities on the upgrade (401); this is the last line behind it.
            close(connection, CloseCodes.UNSUPPORTED_SUBJECT, "unsupported subject");
            return null;
        }
        if (!presence.tryConnect(subject, config.limits().maxConnectionsPerUser())) {
            LOG.infof("Refused a connection of user %s: already %d connections on this instance", subject,
                    presence.localConnections(subject));
            lifecycle.refused(connection.id(), subject, CloseCodes.TOO_MANY_CONNECTIONS, "too many connections");
            close(connection, CloseCodes.TOO_MANY_CONNECTIONS, "too many connections");
            return null;
        }
        RoleRooms roles = roleRooms.of(caller.roles());
        Session session = new Session(connection, subject, caller.displayName(), roles.roles(), caller.expiresAt(),
                new Session.Limits(config.limits().sendQueue()), socket, metrics);
        // On the connection's event loop, in a turn of its own: the trigger is a write completion, which may run
        // inside a delivery that is still changing the session's state.
        Context loop = Vertx.currentContext();
        session.onCatchUp(behind -> loop.runOnContext(ignored -> catchUp(behind)));
        connection.attach(session);
        rooms.open(session);
        OptionalLong since = handshake.since();
        lifecycle.opened(session, handshake.origin(), handshake.userAgent(), handshake.remoteAddress(),
                since.isPresent() ? since.getAsLong() : null);
        if (since.isPresent()) {
            // Held before the room is joined: nothing live of it reaches the client ahead of the replay.
            session.holdLive(ownRoom, since.getAsLong());
        }
        List<Room> automatic = automaticRooms(ownRoom, roles);
        // The welcome first: no live frame of an automatic room may reach the client ahead of it.
        session.send(ServerFrames.welcome(subject, automatic.stream().map(Room::name).toList(),
                session.expiresAt()));
        for (Room room : automatic) {
            rooms.joinAutomatically(session, room);
        }
        // Deferred: a caller that replays the room itself (Socket.IO's recovery) never subscribes to it.
        return new Opened(session, since.isPresent()
                ? Uni.createFrom().deferred(() -> resume(session, ownRoom, since.getAsLong(), true))
                : null);
    }

    /**
     * Joins {@code room} again for a client that recovers its session (Socket.IO): a subscribe with since, without an
     * answer. With {@code since}, its live frames are held from there until the caller has replayed the room and
     * released it ({@link Session#replay}, {@link Session#releaseLive}); {@code since} null joins it live. False when
     * it is refused as a subscribe would be (not a member, over the subscription limit): the room is not joined and
     * the link's position for it goes.
     */
    public boolean rejoin(GatewayLink connection, Room room, Long since) {
        Session session = connection.session();
        if (access.mayEnter(session, room)
                && (session.isIn(room) || session.subscriptionCount() < config.limits().maxSubscriptions())) {
            if (since != null) {
                session.holdLive(room, since);
            }
            rooms.join(session, room);
            if (access.mayEnter(session, room)) {
                return true;
            }
            session.discardHeld(room);
            rooms.leave(session, room);
        }
        lifecycle.subscriptionRefused(session, room, ServerFrames.ROOM_NOT_FOUND);
        session.send(ServerFrames.position(room.name(), null, true));
        return false;
    }

    /**
     * Holds the connection's next frames until {@code answer} completes: the socket is paused (Vert.x buffers what
     * arrives meanwhile, and stops reading the socket when that buffer is full).
     */
    private static void serially(GatewayLink connection, Uni<Void> answer) {
        connection.pauseFrames();
        answer.subscribe().with(ignored -> connection.resumeFrames(), failure -> {
            LOG.warnf("Answering a frame of connection %s failed: %s", connection.id(), failure.toString());
            connection.resumeFrames();
        });
    }

    /**
     * Replays {@code room} after {@code since} to a session whose live frames of it are held, then releases them.
     * {@code inOrder} false: the room was already live on this connection past {@code since}, so what lies between
     * can no longer arrive in order; the replay sends only what is newer, and the resume is incomplete.
     */
    private Uni<ServerFrames.Resume> resume(Session session, Room room, long since, boolean inOrder) {
        return resumer.replay(session, room, since)
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "Resume of %s for connection %s failed", room, session.id());
                    return new Resumer.Outcome(since, false, Resumer.HISTORY_UNAVAILABLE);
                })
                .map(outcome -> {
                    session.releaseLive(room);
                    return inOrder || !outcome.complete()
                            ? new ServerFrames.Resume(outcome.since(), outcome.complete(), outcome.reason())
                            : new ServerFrames.Resume(since, false, Resumer.LIVE_BEFORE_RESUME);
                });
    }

    /** The user's own room, a room per role the token carries, and {@code all}: who an audience can name. */
    public List<Room> automaticRooms(Room ownRoom, Session session) {
        return automaticRooms(ownRoom, roleRooms.of(session.roles()));
    }

    private static List<Room> automaticRooms(Room ownRoom, RoleRooms roles) {
        List<Room> automatic = new ArrayList<>();
        automatic.add(ownRoom);
        automatic.addAll(roles.rooms());
        automatic.add(Room.ALL);
        return automatic;
    }

    /**
     * Whether the connection may send a frame now (checked before the frame is even parsed): false while it closes,
     * or when it is over its rate limit, which is answered (with {@code id}, when known) or, after too many refusals
     * in a row, closes it with 4029.
     */
    public boolean admit(GatewayLink connection, String id) {
        Session session = connection.session();
        if (session.isClosing()) {
            return false;
        }
        session.touch();
        int refusedInARow = session.takeInboundToken();
        if (refusedInARow > 0) {
            if (refusedInARow >= config.limits().rateViolationsBeforeClose()) {
                LOG.infof("Closing connection %s of user %s: kept sending over its rate limit", session.id(),
                        session.user());
                session.close(CloseCodes.RATE_LIMITED, "rate limit exceeded");
            } else {
                refuse(connection, id, ServerFrames.RATE_LIMITED, "too many frames, slow down");
            }
            return false;
        }
        return true;
    }

    /** A frame of the client's that {@link #admit} let in, on the connection's event loop. */
    public void handle(GatewayLink connection, ClientFrame frame) {
        if (frame instanceof ClientFrame.Subscribe subscribe) {
            subscribe(connection, subscribe);
        } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
            unsubscribe(connection, unsubscribe);
        } else if (frame instanceof ClientFrame.Typing typingFrame) {
            typing(connection, typingFrame);
        } else if (frame instanceof ClientFrame.Refresh refresh) {
            refresh(connection, refresh);
        } else {
            refuse(connection, frame.id(), ServerFrames.FRAME_INVALID, ((ClientFrame.Invalid) frame).reason());
        }
    }

    /** The connection closed (either side, or the socket dropped): cleans its session up, once. */
    public void onClose(GatewayLink connection) {
        if (!connection.markClosed()) {
            return;
        }
        Session session = connection.session();
        // What must happen whatever fails after it: out of every room, and no longer counted for the user.
        rooms.close(session);
        presence.disconnected(session.user());
        typing.stopAll(session);
        if (session.serverCloseCode() != 0) {
            lifecycle.closed(session, session.serverCloseCode(), session.serverCloseReason(),
                    ConnectionEventTypes.BY_SERVER);
        } else {
            // The client's close frame, or none at all (1006: the socket dropped).
            Integer code = connection.clientCloseCode();
            lifecycle.closed(session, code == null ? 1006 : code, code == null ? null : connection.clientCloseReason(),
                    ConnectionEventTypes.BY_CLIENT);
        }
    }

    /**
     * Vert.x reports a client message over {@code realtime.websocket.max-message-size} as an IllegalStateException:
     * the client's fault, closed with 1009. Socket failures (a reset) never get here: {@link FrameGuard} closes them
     * quietly, and one that closes without a close handshake is only closed.
     */
    private void onFailure(GatewayLink connection, Throwable failure) {
        Session session = connection.session();
        if (failure instanceof HttpClosedException) {
            // The socket closed without a close handshake (the guard closed it after a protocol violation, or the
            // client dropped): the close handler does the rest.
            LOG.debugf("Connection %s: %s", connection.id(), failure.toString());
            return;
        }
        String message = failure.getMessage();
        if (failure instanceof IllegalStateException && message != null && message.contains("max message size")) {
            LOG.infof("Closing connection %s: a frame exceeded the maximum size", connection.id());
            // Through the session, so the close is known as the edge's own (metrics, lifecycle events).
            session.close(CloseCodes.MESSAGE_TOO_BIG, "frame too big");
            return;
        }
        LOG.errorf(failure, "Closing connection %s after an unexpected failure", connection.id());
        session.close(1011, "internal error");
    }

    /**
     * Joins the room; with {@code since}, first replays what the client missed (its live frames of the room are held
     * meanwhile), and the ack says whether the replay was complete. The connection's next frame waits until the
     * ack is out, so answers keep the order of the frames.
     */
    private void subscribe(GatewayLink connection, ClientFrame.Subscribe frame) {
        Session session = connection.session();
        Room room = roomOf(connection, frame.id(), frame.room());
        if (room == null) {
            lifecycle.subscriptionRefused(session, null, ServerFrames.ROOM_NOT_FOUND);
            return;
        }
        if (!access.mayEnter(session, room)) {
            lifecycle.subscriptionRefused(session, room, ServerFrames.ROOM_NOT_FOUND);
            refuseRoom(connection, frame.id());
            return;
        }
        if (!session.isIn(room) && session.subscriptionCount() >= config.limits().maxSubscriptions()) {
            lifecycle.subscriptionRefused(session, room, ServerFrames.SUBSCRIPTIONS_LIMIT);
            refuse(connection, frame.id(), ServerFrames.SUBSCRIPTIONS_LIMIT,
                    "at most " + config.limits().maxSubscriptions() + " subscriptions per connection");
            return;
        }
        if (connection.tracksPositions() && frame.since() == null && room.hasOwningStream() && !session.isIn(room)) {
            // The position the client starts from: the room's head, read before the join (see Resumer.head).
            serially(connection, resumer.head(session, room)
                    .invoke(head -> join(connection, frame, room, head.isPresent() ? head.getAsLong() : null))
                    .replaceWithVoid());
            return;
        }
        join(connection, frame, room, frame.since());
    }

    /** The rest of a subscribe whose checks passed; {@code position}: where a link keeping positions starts. */
    private void join(GatewayLink connection, ClientFrame.Subscribe frame, Room room, Long position) {
        Session session = connection.session();
        if (session.isClosing()) {
            return;
        }
        if (connection.tracksPositions() && room.hasOwningStream()) {
            session.send(ServerFrames.position(room.name(), position, false));
        }
        boolean inOrder = frame.since() == null || session.holdLive(room, frame.since());
        rooms.join(session, room);
        // A revocation that arrived between the check and the join found no session to drop: look again, or the
        // session would sit in a room its user has left (delivery re-checks anyway, but the client must be told).
        if (!access.mayEnter(session, room)) {
            session.discardHeld(room);
            rooms.leave(session, room);
            if (connection.tracksPositions()) {
                session.send(ServerFrames.position(room.name(), null, true));
            }
            lifecycle.subscriptionRefused(session, room, ServerFrames.ROOM_NOT_FOUND);
            refuseRoom(connection, frame.id());
            return;
        }
        if (frame.since() == null) {
            session.send(ack(frame.id(), room, null));
            return;
        }
        serially(connection, resume(session, room, frame.since(), inOrder)
                .invoke(resume -> session.send(ack(frame.id(), room, resume)))
                .replaceWithVoid());
    }

    /**
     * The client has read its send queue down after live frames were dropped for it (a burst it could not take at
     * once): each room that fell behind is replayed after the last seq it got, like a resume, paced by the socket;
     * a room without seq, or a replay that could not be complete, gets {@code resync}. Runs one at a time per session.
     */
    private void catchUp(Session session) {
        Session.CatchUp work = session.beginCatchUp();
        metrics.catchUp();
        Multi.createFrom().iterable(work.rooms().entrySet())
                .onItem().transformToUniAndConcatenate(room -> resume(session, room.getKey(), room.getValue(), true)
                        .invoke(resume -> {
                            if (!resume.complete()) {
                                session.send(ServerFrames.resync(room.getKey().name(), room.getValue(),
                                        resume.reason()));
                            }
                        }))
                .collect().last()
                .subscribe().with(
                        ignored -> {
                            work.unsequenced().forEach(room -> session.send(
                                    ServerFrames.resync(room.name(), null, ServerFrames.SEND_OVERFLOW)));
                            session.endCatchUp();
                        },
                        failure -> {
                            LOG.warnf("Catching up connection %s failed: %s", session.id(), failure.toString());
                            session.endCatchUp();
                        });
    }

    private String ack(String id, Room room, ServerFrames.Resume resume) {
        return ServerFrames.ack(id, room.name(),
                PresenceService.hasPresence(room) ? presence.onlineMembers(room) : null, resume);
    }

    private void unsubscribe(GatewayLink connection, ClientFrame.Unsubscribe frame) {
        Session session = connection.session();
        Room room = roomOf(connection, frame.id(), frame.room());
        if (room == null) {
            return;
        }
        // Idempotent: after the ack the session is not in the room, whether it was before or not.
        typing.stop(session, room);
        rooms.leave(session, room);
        if (connection.tracksPositions() && room.hasOwningStream()) {
            session.send(ServerFrames.position(room.name(), null, true));
        }
        session.send(ServerFrames.ack(frame.id(), room.name()));
    }

    private void typing(GatewayLink connection, ClientFrame.Typing frame) {
        Session session = connection.session();
        Room room = roomOf(connection, frame.id(), frame.room());
        if (room == null) {
            return;
        }
        if (!PresenceService.hasPresence(room)) {
            refuse(connection, frame.id(), ServerFrames.FRAME_INVALID,
                    "typing is only for conversation and project rooms");
            return;
        }
        if (!session.isIn(room) || !access.stillMayReceive(session, room)) {
            refuseRoom(connection, frame.id());
            return;
        }
        // Not answered when accepted: typing is sent every few keystrokes, an ack for each would only add noise.
        typing.typing(session, room, frame.typing());
    }

    private void refresh(GatewayLink connection, ClientFrame.Refresh frame) {
        Session session = connection.session();
        String claimed = unverifiedSubject(frame.token());
        if (claimed == null) {
            refuse(connection, frame.id(), ServerFrames.TOKEN_INVALID, "token is not valid");
            return;
        }
        if (!claimed.equals(session.user())) {
            // Refused before validation: a connection never changes its user, whatever the token proves.
            refuse(connection, frame.id(), ServerFrames.TOKEN_SUBJECT_MISMATCH, "token is for another user");
            return;
        }
        serially(connection, tokens.verify(frame.token())
                .onItemOrFailure().invoke((verified, failure) -> {
                    JsonWebToken jwt = verified != null && verified.getPrincipal() instanceof JsonWebToken token
                            ? token : null;
                    if (failure != null || jwt == null || !session.user().equals(jwt.getSubject())) {
                        // A token whose verified sub differs from what it claimed unverified is no better.
                        refuse(connection, frame.id(), ServerFrames.TOKEN_INVALID, "token is not valid");
                        return;
                    }
                    session.extendTo(Caller.expiryOf(jwt));
                    session.send(ServerFrames.refreshed(frame.id(), session.expiresAt()));
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid());
    }

    /**
     * The room a frame names, or null once the frame is refused: not the parser's reason, since a malformed name must
     * read exactly like a room the user may not enter.
     */
    private Room roomOf(GatewayLink connection, String id, String name) {
        try {
            return Room.parse(name);
        } catch (InvalidRoomException e) {
            refuseRoom(connection, id);
            return null;
        }
    }

    private void refuseRoom(GatewayLink connection, String id) {
        refuse(connection, id, ServerFrames.ROOM_NOT_FOUND, ServerFrames.ROOM_NOT_FOUND_MESSAGE);
    }

    /**
     * Answers a refused frame with an error frame. The first refusal of a connection is logged at INFO (user,
     * code, reason; never the frame, which may hold a token), later ones at DEBUG, so one broken client cannot
     * flood the log.
     */
    private void refuse(GatewayLink connection, String id, String code, String reason) {
        Session session = connection.session();
        metrics.refused(code);
        if (connection.firstRefusal()) {
            LOG.infof("Refused a frame of connection %s (user %s): %s, %s; further refusals are logged at DEBUG",
                    connection.id(), session.user(), code, reason);
        } else if (LOG.isDebugEnabled()) {
            // Checked first: the connection's id is made for each line (GatewayLink), and refusals can be many.
            LOG.debugf("Refused a frame of connection %s (user %s): %s, %s", connection.id(), session.user(), code,
                    reason);
        }
        session.send(ServerFrames.error(id, code, reason));
    }

    /** Closes a connection that has no session (refused right after its upgrade). */
    private void close(GatewayLink connection, int code, String reason) {
        metrics.closed(code);
        connection.close(code, reason);
    }

    /**
     * The {@code sub} a JWT claims, read without checking the signature: only used to refuse a token of another
     * user before spending a validation on it. Null when the token is not a readable JWT.
     */
    static String unverifiedSubject(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode claims = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
            JsonNode sub = claims == null ? null : claims.get("sub");
            return sub != null && sub.isTextual() ? sub.asText() : null;
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
    }
}
