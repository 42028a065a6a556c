package dev.realtime.edge.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.protocol.CloseCodes;
import dev.realtime.edge.protocol.OutboundFrame;
import dev.realtime.edge.rooms.InboundBudget;
import dev.realtime.edge.rooms.Session;
import dev.realtime.edge.rooms.Wire;
import dev.realtime.edge.ws.Caller;
import dev.realtime.edge.ws.FrameGuard;
import dev.realtime.edge.ws.Gateway;
import dev.realtime.edge.ws.GatewayLink;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import org.jboss.logging.Logger;

/**
 * One Engine.IO session (a {@code sid}) and, once its Socket.IO CONNECT carried a valid token, the edge session of
 * the default namespace: {@link Gateway} runs the same protocol over it as over {@code /ws}; {@link SocketIoPackets}
 * translates. Everything here runs on the session's home event loop (the WebSocket's, or the handshake request's for
 * polling).
 */
final class EngineSession extends GatewayLink {
    private static final Logger LOG = Logger.getLogger(EngineSession.class);
    private static final OutboundFrame PING = OutboundFrame.text("2");
    private static final OutboundFrame CLOSE = OutboundFrame.text("1");
    private static final OutboundFrame DISCONNECT = OutboundFrame.text("41");
    /**
     * Closes after which the client must not simply reconnect (a fresh token, or a decision of the app, is needed):
     * Socket.IO's DISCONNECT, which stops socket.io-client's reconnection. After any other close it reconnects.
     */
    private static final int MAX_REFUSED_CONNECTS = 3;
    /** Packets a polling session without CONNECT may leave unread (answers to CONNECTs, pings) before it is closed. */
    private static final int MAX_UNREAD_BEFORE_CONNECT = 16;
    private static final Set<Integer> FINAL_CLOSES = Set.of(CloseCodes.AUTHENTICATION_EXPIRED,
            CloseCodes.DISCONNECTED_BY_SERVICE, CloseCodes.TOO_MANY_CONNECTIONS, CloseCodes.UNSUPPORTED_SUBJECT);

    private final String sid;
    private final SocketIoEngine engine;
    /**
     * The event loop everything of this session runs on: the polling session's (that of its handshake), then, once
     * upgraded, the WebSocket's. Changed once, on the old loop, after which work that lands there moves on.
     */
    private volatile Context home;
    private final InboundBudget inbound;
    /** The transport's wire: the polling wire, or a WebSocket's frame guard. */
    private volatile Wire transport;
    /** The polling transport this session started on; null for a session opened over a WebSocket. */
    private final PollingWire polling;
    private volatile boolean upgraded;
    /** The WebSocket probing for an upgrade, while it does. */
    private ServerWebSocket probe;
    private volatile ServerWebSocket webSocket;
    private volatile LongUnaryOperator stalledFor;
    private final Gateway.Handshake handshake;
    private final long createdAt = System.nanoTime();
    /** The identity the handshake's Authorization header proved, if any; used when CONNECT carries no token. */
    private Caller handshakeCaller;
    private boolean connecting;
    /** What the CONNECT's auth carried for connection state recovery (socket.io-client adds them on reconnect). */
    private String recoveryPid;
    private String recoveryOffset;
    private volatile boolean connected;
    private boolean paused;
    private ArrayDeque<String> waiting;
    private volatile boolean engineClosed;
    private long closedAt;
    private Integer clientCloseCode;
    private String clientCloseReason;
    private boolean violationLogged;
    private int refusedConnects;
    /** POSTs whose packets wait (an answer is pending): their "ok" goes out once the packets were handled. */
    private List<Runnable> heldPosts;
    /** Whether the engine's count of sessions without CONNECT was already told this one closed. */
    private boolean countedClosed;

    private EngineSession(SocketIoEngine engine, String sid, Context home, boolean polling,
            ServerWebSocket webSocket, FrameGuard guard, Caller handshakeCaller, Gateway.Handshake handshake) {
        this.engine = engine;
        this.sid = sid;
        this.home = home;
        this.polling = polling ? new PollingWire(this) : null;
        this.transport = polling ? this.polling : guard;
        this.stalledFor = polling ? this.polling::stalledForNanos : guard::stalledForNanos;
        this.webSocket = webSocket;
        this.handshakeCaller = handshakeCaller;
        this.handshake = handshake;
        this.inbound = engine.newInboundBudget();
    }

    static EngineSession polling(SocketIoEngine engine, String sid, Context home, Caller caller,
            Gateway.Handshake handshake) {
        return new EngineSession(engine, sid, home, true, null, null, caller, handshake);
    }

    static EngineSession webSocket(SocketIoEngine engine, String sid, Context home, ServerWebSocket socket,
            FrameGuard guard, Caller caller, Gateway.Handshake handshake) {
        return new EngineSession(engine, sid, home, false, socket, guard, caller, handshake);
    }

    /** Runs {@code work} on the session's event loop; work that lands on a loop the session left moves on. */
    void runOnHome(Runnable work) {
        Context target = home;
        target.runOnContext(ignored -> {
            if (home == target) {
                work.run();
            } else {
                runOnHome(work);
            }
        });
    }

    /** The wire the session's frames go out on now. */
    Wire transport() {
        return transport;
    }

    String sid() {
        return sid;
    }

    boolean isPolling() {
        return polling != null && !upgraded;
    }

    boolean isConnected() {
        return connected;
    }

    /** True the first time only. */
    boolean countedClosed() {
        boolean was = countedClosed;
        countedClosed = true;
        return was;
    }

    boolean isEngineClosed() {
        return engineClosed;
    }

    /** Sends the open packet; the first packet of every transport. */
    void sendOpen(String openPacket) {
        writeNow(OutboundFrame.text(openPacket));
    }

    // ---- inbound, on the home loop ----

    /** One Engine.IO packet from the client (a WebSocket message, or one packet of a POST's payload). */
    void onPacket(String text) {
        if (engineClosed) {
            return;
        }
        // A pong is taken at once, even while an answer is pending: a long one (a recovery) must not make a live
        // client look idle.
        if (paused && !"3".equals(text)) {
            if (waiting == null) {
                waiting = new ArrayDeque<>();
            }
            if (waiting.size() >= engine.maxWaitingPackets()) {
                violation("too many packets while an answer was pending");
                return;
            }
            waiting.add(text);
            return;
        }
        handle(text);
    }

    private void handle(String text) {
        char type = text.isEmpty() ? '?' : text.charAt(0);
        switch (type) {
            case '4' -> message(text.substring(1));
            case '3' -> {
                // The answer to the server's ping: what keeps the session alive.
                if (withinBudget()) {
                    Session session = session();
                    if (session != null) {
                        session.touch();
                    }
                }
            }
            case '6' -> withinBudget();
            case '1' -> closedByClient(1000, null);
            case '2' -> violation("a ping from the client; in Engine.IO v4 the server pings");
            default -> violation("unknown Engine.IO packet type");
        }
    }

    private void message(String payload) {
        SocketIoPackets.Packet packet;
        try {
            packet = SocketIoPackets.parse(payload);
        } catch (SocketIoPackets.MalformedPacketException e) {
            violation(e.getMessage());
            return;
        }
        if (!SocketIoPackets.DEFAULT_NAMESPACE.equals(packet.namespace())) {
            if (withinBudget() && packet.type() == SocketIoPackets.CONNECT) {
                writeNow(SocketIoPackets.connectError(packet.namespace(), "Invalid namespace", null, null));
            }
            return;
        }
        switch (packet.type()) {
            case SocketIoPackets.CONNECT -> connect(packet.data());
            case SocketIoPackets.DISCONNECT -> closedByClient(1000, "client namespace disconnect");
            case SocketIoPackets.EVENT -> {
                if (session() == null) {
                    violation("an event before CONNECT");
                    return;
                }
                String ackId = packet.ackId() == null ? null : packet.ackId().toString();
                if (engine.gateway().admit(this, ackId)) {
                    engine.gateway().handle(this, SocketIoPackets.clientFrame(packet));
                }
            }
            default -> withinBudget(); // ACK: the edge asks for none; ignored.
        }
    }

    private void connect(JsonNode auth) {
        if (connecting || session() != null || !withinBudget()) {
            // A second CONNECT for the namespace is ignored, as by the reference server.
            return;
        }
        JsonNode token = auth == null ? null : auth.get("token");
        if (auth != null && auth.path("pid").isTextual() && auth.path("offset").isTextual()) {
            recoveryPid = auth.get("pid").asText();
            recoveryOffset = auth.get("offset").asText();
        }
        if (token != null && token.isTextual() && !token.asText().isBlank()) {
            connecting = true;
            pauseFrames();
            engine.tokens().verify(token.asText()).subscribe().with(
                    identity -> runOnHome(() -> connected(Caller.of(identity))),
                    failure -> runOnHome(() -> connected(null)));
        } else if (handshakeCaller != null) {
            pauseFrames();
            connected(handshakeCaller);
        } else {
            refuseConnect("no token: send auth.token", "token.missing");
        }
    }

    /** On the home loop, once the CONNECT's token was checked: null when it is not valid. Frames are paused. */
    private void connected(Caller caller) {
        connecting = false;
        if (engineClosed) {
            return;
        }
        if (caller == null) {
            refuseConnect("token is not valid", "token.invalid");
            resumeFrames();
            return;
        }
        handshakeCaller = null;
        SocketIoRecovery recovery = engine.recovery();
        Room ownRoom = ownRoom(caller);
        if (!recovery.enabled() || ownRoom == null) {
            // Without an own room the gateway refuses the connection; there is nothing to recover either.
            open(caller, SocketIoWire.withoutRecovery(this, id()), handshake);
            resumeFrames();
            return;
        }
        SocketIoRecovery.Plan plan = recovery.plan(recoveryPid, recoveryOffset, caller.subject());
        recoveryPid = null;
        recoveryOffset = null;
        connecting = true;
        if (plan == null) {
            recovery.ownHead(ownRoom, caller.subject()).subscribe().with(head -> runOnHome(() -> {
                connecting = false;
                if (!engineClosed) {
                    open(caller, SocketIoWire.fresh(this, id(), RecoveryOffset.newPid(), ownRoom,
                            head.orElse(RecoveryOffset.UNKNOWN)), handshake);
                }
                resumeFrames();
            }));
            return;
        }
        connecting = false;
        SocketIoWire wire = SocketIoWire.recovering(this, id(), ownRoom, plan.ownSeq(), plan.rooms());
        Gateway.Opened opened = open(caller, wire,
                plan.ownSeq() == RecoveryOffset.UNKNOWN ? handshake : handshake.withSince(plan.ownSeq()));
        if (opened == null) {
            resumeFrames();
            return;
        }
        // The client's next packets wait until the recovery is out, as they wait for a resume's answer on /ws.
        Uni<Void> recovering;
        try {
            recovering = recovery.recover(this, opened, plan);
        } catch (RuntimeException e) {
            recovering = Uni.createFrom().failure(e);
        }
        recovering.subscribe().with(ignored -> resumeFrames(), failure -> runOnHome(() -> {
            LOG.errorf(failure, "Recovering Socket.IO connection %s failed", id());
            close(1011, "internal error");
        }));
    }

    private static Room ownRoom(Caller caller) {
        try {
            return Room.user(caller.subject());
        } catch (InvalidRoomException e) {
            return null;
        }
    }

    /** Opens the edge session over this link; null when it was refused (the gateway closed or answered it). */
    private Gateway.Opened open(Caller caller, SocketIoWire wire, Gateway.Handshake opening) {
        Gateway.Opened opened;
        try {
            opened = engine.gateway().openLink(this,
                    new Session.Socket(inbound, now -> stalledFor.applyAsLong(now), wire), caller, opening);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Opening Socket.IO connection %s failed", id());
            closeEngine(1011, true);
            return null;
        }
        if (opened != null) {
            connected = true;
            engine.connected(this);
        }
        return opened;
    }

    @Override
    protected boolean tracksPositions() {
        return engine.recovery().enabled();
    }

    /**
     * Answers a CONNECT with CONNECT_ERROR; the client may try again with another token, a few times: a client that
     * keeps sending refused CONNECTs is closed (each costs a token check).
     */
    private void refuseConnect(String message, String code) {
        LOG.infof("Refused a Socket.IO CONNECT on %s: %s", handshake.remoteAddress(), message);
        writeNow(SocketIoPackets.connectError(SocketIoPackets.DEFAULT_NAMESPACE, message, code, null));
        if (++refusedConnects >= MAX_REFUSED_CONNECTS) {
            violation(MAX_REFUSED_CONNECTS + " refused CONNECTs");
        }
    }

    private boolean withinBudget() {
        int refusedInARow = inbound.take();
        if (refusedInARow == 0) {
            return true;
        }
        if (refusedInARow >= engine.violationsBeforeClose()) {
            LOG.infof("Closing Socket.IO connection %s: kept sending over its rate limit", id());
            close(CloseCodes.RATE_LIMITED, "rate limit exceeded");
        }
        return false;
    }

    /**
     * A packet that is not Engine.IO v4 / Socket.IO v5: the specifications close the connection. One INFO line per
     * connection, never the packet (it may hold a token).
     */
    private void violation(String why) {
        if (!violationLogged) {
            violationLogged = true;
            LOG.infof("Closing Socket.IO connection %s from %s: protocol violation (%s)", id(), handshake.remoteAddress(), why);
        }
        engine.metrics().refused("socketio.protocol");
        closeEngine(null, false);
    }

    private void closedByClient(int code, String reason) {
        clientCloseCode = code;
        clientCloseReason = reason;
        closeEngine(null, false);
    }

    // ---- polling transport, on the home loop ----

    /** A GET of the polling transport: parked until packets wait. False when it is refused (a second GET). */
    boolean poll(HttpServerResponse response) {
        if (polling.hasParked()) {
            violation("a second GET while one was pending");
            return false;
        }
        // Before parking: a GET that packets wait for is answered at once.
        response.closeHandler(ignored -> runOnHome(() -> {
            // Also told when an answered GET's HTTP/2 stream ends: only a GET still parked was aborted.
            if (polling.unpark(response) && !engineClosed) {
                LOG.debugf("Socket.IO connection %s: its GET was aborted", id());
                transportClosed(null, null);
            }
        }));
        polling.park(response);
        if (response.closed() && polling.unpark(response)) {
            // Still parked on a connection that closed before its close handler was set: the client gave up.
            transportClosed(null, null);
        }
        return true;
    }

    /**
     * The packets of a POST of the polling transport. {@code ok} runs once they were handled: later when an answer of
     * the edge is pending (the client's next POST waits for it: the polling transport's back-pressure);
     * {@code refused} instead when one broke the protocol, or the session closed meanwhile.
     */
    void post(String payload, Runnable ok, Runnable refused) {
        int start = 0;
        while (!engineClosed && start <= payload.length()) {
            int end = payload.indexOf(PollingWire.SEPARATOR, start);
            if (end < 0) {
                end = payload.length();
            }
            String packet = payload.substring(start, end);
            if (packet.startsWith("b")) {
                violation("a binary packet");
            } else {
                onPacket(packet);
            }
            start = end + 1;
        }
        if (engineClosed) {
            refused.run();
        } else if (waiting != null && !waiting.isEmpty()) {
            if (heldPosts == null) {
                heldPosts = new ArrayList<>(1);
            }
            heldPosts.add(() -> (engineClosed ? refused : ok).run());
        } else {
            ok.run();
        }
    }

    /** Whether the polling wire handed out everything (a closed session can be forgotten then). */
    boolean drained() {
        return !isPolling() || polling.drained();
    }

    /** Whether a closed polling session still has packets for a GET (its close packet, say). */
    boolean hasPending() {
        return isPolling() && polling.hasPending();
    }

    // ---- WebSockets: opened directly, or by the upgrade from polling (Engine.IO's probe) ----

    /** The handlers of a WebSocket this session was opened on, on the socket's loop (its home). */
    void listenTo(ServerWebSocket socket) {
        socket.textMessageHandler(this::onPacket);
        socket.binaryMessageHandler(ignored -> violation("a binary message"));
        socket.closeHandler(ignored -> transportClosed(closeCodeOf(socket), socket.closeReason()));
        socket.exceptionHandler(failure -> onSocketFailure(socket, failure));
    }

    /**
     * A WebSocket of this polling session's client, just opened with its sid, on the socket's event loop: the
     * client probes ({@code 2probe} → {@code 3probe}), every GET then ends at once with a noop so the client can
     * pause polling, and the client's {@code 5} switches the session over. False when the session cannot upgrade.
     */
    boolean probe(ServerWebSocket socket, FrameGuard guard) {
        Context socketLoop = io.vertx.core.Vertx.currentContext();
        synchronized (this) {
            if (!isPolling() || engineClosed || probe != null) {
                return false;
            }
            probe = socket;
        }
        long timeout = socketLoop.owner().setTimer(engine.upgradeTimeoutMillis(), id -> {
            if (!upgraded && !socket.isClosed()) {
                LOG.debugf("Socket.IO connection %s: an upgrade probe timed out", id());
                socket.close((short) 1000);
            }
        });
        socket.textMessageHandler(text -> {
            if (webSocket == socket) {
                onPacket(text);
            } else if ("2probe".equals(text)) {
                guard.write(OutboundFrame.text("3probe"), null);
                guard.flush();
                runOnHome(() -> {
                    if (isPolling() && probe == socket) {
                        polling.upgrading();
                    }
                });
            } else if ("5".equals(text)) {
                socketLoop.owner().cancelTimer(timeout);
                // What the client sends next waits until the session has moved to this socket's loop.
                socket.pause();
                runOnHome(() -> upgradeTo(socket, guard, socketLoop));
            } else {
                LOG.debugf("Socket.IO connection %s: a probe sent something else than 2probe or 5", id());
                socket.close((short) 1002);
            }
        });
        socket.binaryMessageHandler(ignored -> {
            if (webSocket == socket) {
                violation("a binary message");
            } else {
                socket.close((short) 1002);
            }
        });
        socket.closeHandler(ignored -> {
            if (webSocket == socket) {
                transportClosed(closeCodeOf(socket), socket.closeReason());
                return;
            }
            runOnHome(() -> {
                if (probe == socket && !upgraded) {
                    // The probe failed: the client goes on polling, and its GETs wait for packets again.
                    probe = null;
                    polling.probeFailed();
                }
            });
        });
        socket.exceptionHandler(failure -> onSocketFailure(socket, failure));
        return true;
    }

    /**
     * On the polling loop: the session moves to the WebSocket. What the polling wire had pending is written on the
     * socket first, in a task queued on the socket's loop before the session's home changes, so before any drain of
     * the session can run there; the socket's own packets are let in by a second task, queued after the home
     * changed. Frames are never written from two loops at once and keep their order.
     */
    private void upgradeTo(ServerWebSocket socket, FrameGuard guard, Context socketLoop) {
        if (engineClosed || upgraded || socket.isClosed()) {
            socket.close((short) 1000);
            if (!upgraded && probe == socket) {
                probe = null;
                polling.probeFailed();
            }
            return;
        }
        List<Wire.WriteListener> waiters = new ArrayList<>();
        List<PollingWire.Pending> left = polling.handOver(waiters);
        guard.describe(() -> "Socket.IO connection " + id());
        upgraded = true;
        webSocket = socket;
        socketLoop.runOnContext(ignored -> {
            for (PollingWire.Pending packet : left) {
                guard.write(packet.frame(), packet.listener());
            }
            guard.flush();
            waiters.forEach(guard::whenTaken);
            stalledFor = guard::stalledForNanos;
            transport = guard;
        });
        home = socketLoop;
        socketLoop.runOnContext(ignored -> {
            if (socket.isClosed()) {
                transportClosed(closeCodeOf(socket), socket.closeReason());
            } else {
                socket.resume();
            }
        });
        engine.upgraded(this);
    }

    /**
     * Vert.x reports a client message over {@code realtime.websocket.max-message-size} as an IllegalStateException:
     * closed with 1009, as on {@code /ws}. Other socket failures end in the close handler.
     */
    private void onSocketFailure(ServerWebSocket socket, Throwable failure) {
        String message = failure.getMessage();
        if (failure instanceof IllegalStateException && message != null && message.contains("max message size")) {
            LOG.infof("Closing Socket.IO connection %s: a message exceeded the maximum size", id());
            socket.close((short) CloseCodes.MESSAGE_TOO_BIG, "message too big");
        } else {
            LOG.debugf("Socket.IO connection %s: %s", id(), failure.toString());
        }
    }

    private static Integer closeCodeOf(ServerWebSocket socket) {
        Short code = socket.closeStatusCode();
        return code == null ? null : (int) code;
    }

    // ---- the session's connection ----

    @Override
    protected boolean socketClosed() {
        return engineClosed;
    }

    @Override
    protected void pauseFrames() {
        paused = true;
        ServerWebSocket socket = webSocket;
        if (socket != null) {
            // Back-pressure: Vert.x stops reading the socket; only what it had read already waits here.
            socket.pause();
        }
    }

    @Override
    protected void resumeFrames() {
        runOnHome(() -> {
            paused = false;
            ServerWebSocket socket = webSocket;
            if (socket != null && !socket.isClosed()) {
                socket.resume();
            }
            while (!paused && !engineClosed && waiting != null && !waiting.isEmpty()) {
                handle(waiting.poll());
            }
            if ((waiting == null || waiting.isEmpty() || engineClosed) && heldPosts != null) {
                List<Runnable> answers = heldPosts;
                heldPosts = null;
                answers.forEach(Runnable::run);
            }
        });
    }

    @Override
    protected Integer clientCloseCode() {
        return clientCloseCode;
    }

    @Override
    protected String clientCloseReason() {
        return clientCloseReason;
    }

    /** Engine.IO's heartbeat: the server pings, the client answers {@code 3}. */
    @Override
    public void ping() {
        runOnHome(() -> {
            if (!engineClosed) {
                writeNow(PING);
            }
        });
    }

    /**
     * The edge closes the session: the client is told the native close code ({@code realtime:close}), then, for a
     * close after which it must not simply reconnect, Socket.IO's DISCONNECT; then the Engine.IO session ends.
     */
    @Override
    public void close(int code, String reason) {
        if (engineClosed) {
            return;
        }
        if (session() == null) {
            if (code == CloseCodes.TOO_MANY_CONNECTIONS || code == CloseCodes.UNSUPPORTED_SUBJECT) {
                // Refused as it opened (too many connections of the user, a subject the edge cannot serve): the
                // answer to its CONNECT. The Engine.IO session stays; the client may try again later.
                LOG.debugf("Socket.IO connection %s: CONNECT refused with %d", id(), code);
                writeNow(SocketIoPackets.connectError(SocketIoPackets.DEFAULT_NAMESPACE, reason,
                        code == CloseCodes.TOO_MANY_CONNECTIONS ? "connections.limit" : "subject.unsupported", code));
            } else {
                // Before CONNECT (a flood, say) there is no socket to tell: socket.io-client would hold an event.
                closeEngine(code, true);
            }
            return;
        }
        Wire transport = this.transport;
        transport.write(SocketIoPackets.event("realtime:close",
                Json.mapper().createObjectNode().put("code", code).put("reason", reason)), null);
        if (FINAL_CLOSES.contains(code)) {
            transport.write(DISCONNECT, null);
        }
        closeEngine(code, true);
    }

    /** The transport below ended (the WebSocket closed, the parked GET was aborted). */
    void transportClosed(Integer code, String reason) {
        if (clientCloseCode == null) {
            clientCloseCode = code;
            clientCloseReason = reason;
        }
        if (!engineClosed) {
            closeEngine(null, false);
        } else {
            cleanUp();
        }
    }

    private void closeEngine(Integer code, boolean byServer) {
        if (engineClosed) {
            return;
        }
        engineClosed = true;
        closedAt = System.nanoTime();
        waiting = null;
        if (heldPosts != null) {
            List<Runnable> answers = heldPosts;
            heldPosts = null;
            answers.forEach(Runnable::run);
        }
        if (isPolling()) {
            polling.write(CLOSE, null);
            polling.close();
            ServerWebSocket probing = probe;
            if (probing != null) {
                probing.close((short) 1000);
            }
        } else {
            transport.flush();
            if (!webSocket.isClosed()) {
                webSocket.close((short) 1000, byServer && code != null ? "closed (" + code + ")" : null);
            }
        }
        cleanUp();
    }

    private void cleanUp() {
        if (session() != null) {
            engine.gateway().onClose(this);
        } else {
            markClosed();
        }
        engine.closed(this);
    }

    /** On the home loop, from the engine's sweep: the CONNECT timeout; true once the session can be forgotten. */
    boolean sweep(long now) {
        if (!engineClosed && !connected && !connecting && now - createdAt > engine.connectTimeoutNanos()) {
            LOG.debugf("Closing Socket.IO connection %s: no CONNECT within the timeout", id());
            closeEngine(null, true);
        }
        boolean forget = engineClosed && (drained() || now - closedAt > engine.closedGraceNanos());
        if (forget && polling != null) {
            polling.discard();
        }
        return forget;
    }

    /** Whether the engine's sweep has anything to do with this session (not for a connected, open one). */
    boolean needsSweep() {
        return engineClosed || !connected;
    }

    /** A packet outside the session's queue (open, ping, CONNECT refusals), written and flushed now. */
    private void writeNow(OutboundFrame packet) {
        Wire transport = this.transport;
        if (session() == null && transport.unwritten() >= MAX_UNREAD_BEFORE_CONNECT) {
            // Nothing limits a session's queue before CONNECT but this: a client that sends and never reads.
            violation("left " + MAX_UNREAD_BEFORE_CONNECT + " packets unread before CONNECT");
            return;
        }
        transport.write(packet, null);
        transport.flush();
    }
}
