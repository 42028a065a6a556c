package dev.realtime.edge.ws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.connections.ConnectionEventTypes;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.lifecycle.ConnectionEvents;
import dev.realtime.edge.ops.EdgeMetrics;
import dev.realtime.edge.presence.PresenceService;
import dev.realtime.edge.presence.TypingRelay;
import dev.realtime.edge.protocol.ClientFrame;
import dev.realtime.edge.protocol.ServerFrames;
import dev.realtime.edge.resume.Resumer;
import dev.realtime.edge.rooms.CloseCodes;
import dev.realtime.edge.rooms.InboundBudget;
import dev.realtime.edge.rooms.RoomAccess;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.HandshakeRequest;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.quarkus.websockets.next.WebSocketSecurity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * The WebSocket gateway. The upgrade is authenticated (bearer token in the Authorization header, or in the
 * {@code bearer-token-carrier} subprotocol for browsers); after that, the connection's user is fixed, and only a
 * token of the same user can extend it ({@code refresh}). Frames and codes are specified in
 * docs/realtime-protocol.md.
 *
 * <p>The open and message callbacks return a {@link Uni}, so they run on the connection's event loop: all they do
 * is in-memory map work and queued writes, and inbound frames are handled one at a time, so answers keep the
 * order of the frames they answer.
 */
@Authenticated
@WebSocket(path = "/ws")
public class GatewayEndpoint {
    private static final Logger LOG = Logger.getLogger(GatewayEndpoint.class);
    private static final UserData.TypedKey<Session> SESSION = new UserData.TypedKey<>("realtime-edge.session");
    private static final UserData.TypedKey<Boolean> REFUSAL_LOGGED = new UserData.TypedKey<>("realtime-edge.refused");

    @Inject
    SecurityIdentity identity;
    @Inject
    WebSocketSecurity security;
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

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        JsonWebToken jwt = identity.getPrincipal() instanceof JsonWebToken token ? token : null;
        // The user id is the token's subject, not the principal name, which OIDC takes from preferred_username.
        String subject = jwt == null ? null : jwt.getSubject();
        Room ownRoom;
        try {
            ownRoom = Room.user(subject);
        } catch (InvalidRoomException e) {
            // identity-guard refuses such identities on the upgrade (401); this is the last line behind it.
            return close(connection, CloseCodes.UNSUPPORTED_SUBJECT, "unsupported subject");
        }
        if (!presence.tryConnect(subject, config.limits().maxConnectionsPerUser())) {
            LOG.infof("Refused a connection of user %s: already %d connections on this instance", subject,
                    presence.localConnections(subject));
            lifecycle.refused(connection.id(), subject, CloseCodes.TOO_MANY_CONNECTIONS, "too many connections");
            return close(connection, CloseCodes.TOO_MANY_CONNECTIONS, "too many connections");
        }
        Session session = new Session(new EndpointConnection(connection), subject, displayName(jwt),
                identity.getRoles(), expiryOf(jwt), new Session.Limits(config.limits().sendQueue()),
                socket(connection, subject), metrics);
        session.useToken(jwt.getRawToken());
        // On the connection's event loop, in a turn of its own: the trigger is a write completion, which may run
        // inside a delivery that is still changing the session's state.
        Context loop = Vertx.currentContext();
        session.onCatchUp(behind -> {
            if (loop != null) {
                loop.runOnContext(ignored -> catchUp(behind));
            } else {
                catchUp(behind);
            }
        });
        connection.userData().put(SESSION, session);
        rooms.open(session);
        // Checked on the upgrade (UserRoomSinceCheck): a bad value never gets this far.
        OptionalLong since = UserRoomSince.parse(connection.handshakeRequest().query());
        HandshakeRequest handshake = connection.handshakeRequest();
        lifecycle.opened(session, handshake.header("Origin"), handshake.header("User-Agent"),
                handshake.remoteAddress(), since.isPresent() ? since.getAsLong() : null);
        if (since.isPresent()) {
            // Held before the room is joined: nothing live of it reaches the client ahead of the replay.
            session.holdLive(ownRoom, since.getAsLong());
        }
        List<Room> automatic = automaticRooms(ownRoom, session);
        // The welcome first: no live frame of an automatic room may reach the client ahead of it.
        session.send(ServerFrames.welcome(subject, automatic.stream().map(Room::name).toList(),
                session.expiresAt()));
        for (Room room : automatic) {
            rooms.joinAutomatically(session, room);
        }
        if (since.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // The client's frames wait until this completes, as after a subscribe with since.
        return resume(session, ownRoom, since.getAsLong(), true)
                .invoke(resume -> session.send(ServerFrames.resumed(ownRoom.name(), resume)))
                .replaceWithVoid();
    }

    /**
     * The socket as the connection's {@link FrameGuard} sees it, and the guard as its wire; without one (a
     * connection Vert.x did not make over HTTP/1.1, which the installer could not reach), a budget of the session's
     * own, no stall detection, and frames through websockets-next.
     */
    private Session.Socket socket(WebSocketConnection connection, String subject) {
        FrameGuard guard = connection.userData().get(FrameGuardInstaller.GUARD);
        if (guard == null) {
            return new Session.Socket(
                    new InboundBudget(config.limits().framesPerSecond(), config.limits().frameBurst()), now -> 0,
                    new ConnectionWire(connection, Vertx.currentContext()));
        }
        guard.describe("connection " + connection.id() + " of user " + subject);
        guard.upgraded();
        return new Session.Socket(guard.inbound(), guard::stalledForNanos, guard);
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
    private static List<Room> automaticRooms(Room ownRoom, Session session) {
        List<Room> automatic = new ArrayList<>();
        automatic.add(ownRoom);
        session.roles().stream().sorted().forEach(role -> {
            try {
                automatic.add(Room.role(role));
            } catch (InvalidRoomException e) {
                // A role whose name cannot be a room (spaces, say) simply has no room.
            }
        });
        automatic.add(Room.ALL);
        return automatic;
    }

    @OnTextMessage
    public Uni<Void> onText(String text, WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        if (session == null || session.isClosing()) {
            return Uni.createFrom().voidItem();
        }
        session.touch();
        int refusedInARow = session.takeInboundToken();
        if (refusedInARow > 0) {
            if (refusedInARow >= config.limits().rateViolationsBeforeClose()) {
                LOG.infof("Closing connection %s of user %s: kept sending over its rate limit", session.id(),
                        session.user());
                session.close(CloseCodes.RATE_LIMITED, "rate limit exceeded");
            } else {
                refuse(connection, session, null, ServerFrames.RATE_LIMITED, "too many frames, slow down");
            }
            return Uni.createFrom().voidItem();
        }
        ClientFrame frame = ClientFrame.parse(text);
        if (frame instanceof ClientFrame.Subscribe subscribe) {
            return subscribe(connection, session, subscribe);
        } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
            unsubscribe(connection, session, unsubscribe);
        } else if (frame instanceof ClientFrame.Typing typingFrame) {
            typing(connection, session, typingFrame);
        } else if (frame instanceof ClientFrame.Refresh refresh) {
            return refresh(connection, session, refresh);
        } else {
            refuse(connection, session, frame.id(), ServerFrames.FRAME_INVALID, ((ClientFrame.Invalid) frame).reason());
        }
        return Uni.createFrom().voidItem();
    }

    /** The server's pings are answered by every live client: that is what keeps an idle connection open. */
    @OnPongMessage
    public void onPong(Buffer data, WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        if (session != null) {
            session.touch();
        }
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        if (session != null) {
            typing.stopAll(session);
            rooms.close(session);
            presence.disconnected(session.user());
            if (session.serverCloseCode() != 0) {
                lifecycle.closed(session, session.serverCloseCode(), session.serverCloseReason(),
                        ConnectionEventTypes.BY_SERVER);
            } else {
                // The client's close frame, or none at all (1006: the socket dropped).
                CloseReason reason = connection.closeReason();
                lifecycle.closed(session, reason == null ? 1006 : reason.getCode(),
                        reason == null ? null : reason.getMessage(), ConnectionEventTypes.BY_CLIENT);
            }
        }
    }

    /**
     * Vert.x reports a client frame over {@code quarkus.websockets-next.server.max-message-size} as an
     * IllegalStateException; the default handling would log a stack trace and close with 1011, blaming the server
     * for the client's frame.
     */
    @OnError
    public Uni<Void> onIllegalState(IllegalStateException failure, WebSocketConnection connection) {
        String message = failure.getMessage();
        if (message != null && message.contains("max message size")) {
            LOG.infof("Closing connection %s: a frame exceeded the maximum size", connection.id());
            Session session = connection.userData().get(SESSION);
            if (session != null) {
                // Through the session, so the close is known as the edge's own (metrics, lifecycle events).
                session.close(CloseCodes.MESSAGE_TOO_BIG, "frame too big");
                return Uni.createFrom().voidItem();
            }
            return close(connection, CloseCodes.MESSAGE_TOO_BIG, "frame too big");
        }
        LOG.errorf(failure, "Closing connection %s after an unexpected failure", connection.id());
        return connection.close(CloseReason.INTERNAL_SERVER_ERROR);
    }

    /**
     * Joins the room; with {@code since}, first replays what the client missed (its live frames of the room are held
     * meanwhile), and the ack says whether the replay was complete. The returned Uni holds the connection's next
     * frame until the ack is out, so answers keep the order of the frames.
     */
    private Uni<Void> subscribe(WebSocketConnection connection, Session session, ClientFrame.Subscribe frame) {
        Room room;
        try {
            room = Room.parse(frame.room());
        } catch (InvalidRoomException e) {
            // Not the parser's reason: a malformed name must read exactly like a room the user may not enter.
            lifecycle.subscriptionRefused(session, null, ServerFrames.ROOM_NOT_FOUND);
            refuseRoom(connection, session, frame.id());
            return Uni.createFrom().voidItem();
        }
        if (!access.mayEnter(session, room)) {
            lifecycle.subscriptionRefused(session, room, ServerFrames.ROOM_NOT_FOUND);
            refuseRoom(connection, session, frame.id());
            return Uni.createFrom().voidItem();
        }
        if (!session.isIn(room) && session.subscriptionCount() >= config.limits().maxSubscriptions()) {
            lifecycle.subscriptionRefused(session, room, ServerFrames.SUBSCRIPTIONS_LIMIT);
            refuse(connection, session, frame.id(), ServerFrames.SUBSCRIPTIONS_LIMIT,
                    "at most " + config.limits().maxSubscriptions() + " subscriptions per connection");
            return Uni.createFrom().voidItem();
        }
        boolean inOrder = frame.since() == null || session.holdLive(room, frame.since());
        rooms.join(session, room);
        // A revocation that arrived between the check and the join found no session to drop: look again, or the
        // session would sit in a room its user has left (delivery re-checks anyway, but the client must be told).
        if (!access.mayEnter(session, room)) {
            session.discardHeld(room);
            rooms.leave(session, room);
            lifecycle.subscriptionRefused(session, room, ServerFrames.ROOM_NOT_FOUND);
            refuseRoom(connection, session, frame.id());
            return Uni.createFrom().voidItem();
        }
        if (frame.since() == null) {
            session.send(ack(frame.id(), room, null));
            return Uni.createFrom().voidItem();
        }
        return resume(session, room, frame.since(), inOrder)
                .invoke(resume -> session.send(ack(frame.id(), room, resume)))
                .replaceWithVoid();
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

    private void unsubscribe(WebSocketConnection connection, Session session, ClientFrame.Unsubscribe frame) {
        Room room;
        try {
            room = Room.parse(frame.room());
        } catch (InvalidRoomException e) {
            refuseRoom(connection, session, frame.id());
            return;
        }
        // Idempotent: after the ack the session is not in the room, whether it was before or not.
        typing.stop(session, room);
        rooms.leave(session, room);
        session.send(ServerFrames.ack(frame.id(), room.name()));
    }

    private void typing(WebSocketConnection connection, Session session, ClientFrame.Typing frame) {
        Room room;
        try {
            room = Room.parse(frame.room());
        } catch (InvalidRoomException e) {
            refuseRoom(connection, session, frame.id());
            return;
        }
        if (!PresenceService.hasPresence(room)) {
            refuse(connection, session, frame.id(), ServerFrames.FRAME_INVALID,
                    "typing is only for conversation and project rooms");
            return;
        }
        if (!session.isIn(room) || !access.stillMayReceive(session, room)) {
            refuseRoom(connection, session, frame.id());
            return;
        }
        // Not answered when accepted: typing is sent every few keystrokes, an ack for each would only add noise.
        typing.typing(session, room, frame.typing());
    }

    private Uni<Void> refresh(WebSocketConnection connection, Session session, ClientFrame.Refresh frame) {
        String claimed = unverifiedSubject(frame.token());
        if (claimed == null) {
            refuse(connection, session, frame.id(), ServerFrames.TOKEN_INVALID, "token is not valid");
            return Uni.createFrom().voidItem();
        }
        if (!claimed.equals(session.user())) {
            // Refused before validation: a connection never changes its user, whatever the token proves.
            refuse(connection, session, frame.id(), ServerFrames.TOKEN_SUBJECT_MISMATCH,
                    "token is for another user");
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(() -> security.updateSecurityIdentity(frame.token()))
                .onItemOrFailure().invoke((updated, failure) -> {
                    JsonWebToken jwt = updated != null && updated.getPrincipal() instanceof JsonWebToken token
                            ? token : null;
                    if (failure != null || jwt == null) {
                        refuse(connection, session, frame.id(), ServerFrames.TOKEN_INVALID, "token is not valid");
                        return;
                    }
                    if (!session.user().equals(jwt.getSubject())) {
                        // Cannot happen after the check above unless the token lied about itself; the framework now
                        // holds another user's identity, so the connection cannot go on.
                        session.close(CloseCodes.AUTHENTICATION_EXPIRED, "authentication expired");
                        return;
                    }
                    session.extendTo(expiryOf(jwt));
                    session.useToken(frame.token());
                    session.send(ServerFrames.refreshed(frame.id(), session.expiresAt()));
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void refuseRoom(WebSocketConnection connection, Session session, String id) {
        refuse(connection, session, id, ServerFrames.ROOM_NOT_FOUND, ServerFrames.ROOM_NOT_FOUND_MESSAGE);
    }

    /**
     * Answers a refused frame with an error frame. The first refusal of a connection is logged at INFO (user,
     * code, reason; never the frame, which may hold a token), later ones at DEBUG, so one broken client cannot
     * flood the log.
     */
    private void refuse(WebSocketConnection connection, Session session, String id, String code, String reason) {
        metrics.refused(code);
        if (connection.userData().get(REFUSAL_LOGGED) == null) {
            connection.userData().put(REFUSAL_LOGGED, Boolean.TRUE);
            LOG.infof("Refused a frame of connection %s (user %s): %s, %s; further refusals are logged at DEBUG",
                    connection.id(), session.user(), code, reason);
        } else {
            LOG.debugf("Refused a frame of connection %s (user %s): %s, %s", connection.id(), session.user(), code,
                    reason);
        }
        session.send(ServerFrames.error(id, code, reason));
    }

    private Uni<Void> close(WebSocketConnection connection, int code, String reason) {
        metrics.closed(code);
        return connection.close(new CloseReason(code, reason));
    }

    private static String displayName(JsonWebToken jwt) {
        if (jwt == null) {
            return null;
        }
        Object name = jwt.getClaim("name");
        if (name instanceof JsonString json) {
            return json.getString();
        }
        // OIDC takes the principal name from preferred_username.
        return name != null ? name.toString() : jwt.getName();
    }

    private static Instant expiryOf(JsonWebToken jwt) {
        long exp = jwt == null ? 0 : jwt.getExpirationTime();
        return exp > 0 ? Instant.ofEpochSecond(exp) : null;
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
