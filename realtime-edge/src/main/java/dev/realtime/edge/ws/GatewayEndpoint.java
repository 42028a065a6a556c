package dev.realtime.edge.ws;

import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.protocol.ClientFrame;
import dev.realtime.edge.protocol.ServerFrames;
import dev.realtime.edge.rooms.RoomAccess;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.security.Principal;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * The WebSocket gateway. The upgrade is authenticated (bearer token in the Authorization header, or in the
 * {@code bearer-token-carrier} subprotocol for browsers); after that, the connection's identity is fixed.
 * Frames and codes are specified in docs/realtime-protocol.md.
 *
 * <p>The open and message callbacks return a {@link Uni}, so they run on the connection's event loop: all they do
 * is in-memory map work and a queued write, and inbound frames are handled one at a time, so answers keep the
 * order of the frames they answer.
 */
@Authenticated
@WebSocket(path = "/ws")
public class GatewayEndpoint {
    /** RFC 6455 policy violation: the token is valid but its subject cannot be a user id here. */
    static final int CLOSE_UNSUPPORTED_SUBJECT = 1008;
    /** RFC 6455 message too big. */
    static final int CLOSE_MESSAGE_TOO_BIG = 1009;
    private static final Logger LOG = Logger.getLogger(GatewayEndpoint.class);
    private static final UserData.TypedKey<Session> SESSION = new UserData.TypedKey<>("realtime-edge.session");

    @Inject
    SecurityIdentity identity;
    @Inject
    RoomRegistry rooms;
    @Inject
    RoomAccess access;

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        String subject = subjectOf(identity.getPrincipal());
        Room ownRoom;
        try {
            ownRoom = Room.user(subject);
        } catch (InvalidRoomException e) {
            return connection.close(new CloseReason(CLOSE_UNSUPPORTED_SUBJECT, "unsupported subject"));
        }
        Session session = new Session(connection, subject, identity.getRoles());
        connection.userData().put(SESSION, session);
        rooms.open(session);
        rooms.join(session, ownRoom);
        return connection.sendText(ServerFrames.welcome(subject, List.of(ownRoom.name())));
    }

    @OnTextMessage
    public Uni<Void> onText(String text, WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        ClientFrame frame = ClientFrame.parse(text);
        String answer;
        if (frame instanceof ClientFrame.Subscribe subscribe) {
            answer = subscribe(session, subscribe);
        } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
            answer = unsubscribe(session, unsubscribe);
        } else {
            answer = ServerFrames.error(frame.id(), ServerFrames.FRAME_INVALID, ((ClientFrame.Invalid) frame).reason());
        }
        return connection.sendText(answer);
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        if (session != null) {
            rooms.close(session);
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
            return connection.close(new CloseReason(CLOSE_MESSAGE_TOO_BIG, "frame too big"));
        }
        LOG.errorf(failure, "Closing connection %s after an unexpected failure", connection.id());
        return connection.close(CloseReason.INTERNAL_SERVER_ERROR);
    }

    private String subscribe(Session session, ClientFrame.Subscribe frame) {
        Room room;
        try {
            room = Room.parse(frame.room());
        } catch (InvalidRoomException e) {
            // Not the parser's reason: a malformed name must read exactly like a room the user may not enter.
            return ServerFrames.roomNotFound(frame.id());
        }
        if (!access.mayEnter(session, room)) {
            return ServerFrames.roomNotFound(frame.id());
        }
        rooms.join(session, room);
        // A revocation that arrived between the check and the join found no session to drop: look again, or the
        // session would sit in a room its user has left (delivery re-checks anyway, but the client must be told).
        if (!access.mayEnter(session, room)) {
            rooms.leave(session, room);
            return ServerFrames.roomNotFound(frame.id());
        }
        return ServerFrames.ack(frame.id(), room.name());
    }

    private String unsubscribe(Session session, ClientFrame.Unsubscribe frame) {
        Room room;
        try {
            room = Room.parse(frame.room());
        } catch (InvalidRoomException e) {
            return ServerFrames.roomNotFound(frame.id());
        }
        // Idempotent: after the ack the session is not in the room, whether it was before or not.
        rooms.leave(session, room);
        return ServerFrames.ack(frame.id(), room.name());
    }

    private static String subjectOf(Principal principal) {
        // The user id is the token's subject, not the principal name, which OIDC takes from preferred_username.
        return principal instanceof JsonWebToken jwt ? jwt.getSubject() : null;
    }
}
