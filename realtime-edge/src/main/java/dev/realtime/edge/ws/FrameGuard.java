package dev.realtime.edge.ws;

import dev.realtime.edge.metrics.EdgeMetrics;
import dev.realtime.edge.protocol.CloseCodes;
import dev.realtime.edge.protocol.OutboundFrame;
import dev.realtime.edge.rooms.InboundBudget;
import dev.realtime.edge.rooms.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.spi.context.storage.AccessMode;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Sits in a WebSocket connection's Netty pipeline between the frame decoders and Vert.x ({@link GatewayRoute} puts
 * it there), for what Vert.x's WebSocket does not let its user see or decide:
 * <ul>
 * <li>Frames that break RFC 6455 (an unmasked frame, a reserved opcode, a control frame over 125 bytes or
 * fragmented, reserved bits no extension explains, a frame over {@code max-frame-size}, text that is not UTF-8).
 * Vert.x runs Netty's decoder with {@code closeOnProtocolViolation(false)} and, on its exception, drops the socket
 * without a close frame and reports the exception to the socket's handler. Here the client gets the RFC's close
 * code instead ({@code 1002}, {@code 1009}, {@code 1007}) and the edge logs one INFO line.</li>
 * <li>The client's pings and pongs, which Vert.x answers (pings) before any handler of the socket runs: they draw from
 * the connection's inbound budget like text frames. One over the rate is dropped unanswered, and after
 * {@code realtime.limits.rate-violations-before-close} in a row the connection is closed with {@code 4029}, so
 * pongs cannot pile up in the write buffer of a client that pings without reading.</li>
 * <li>Whether the socket takes bytes: {@link #stalledForNanos} feeds the slow-consumer rule ({@code 4008}).</li>
 * <li>A socket that fails (a reset by the client): closed quietly, one DEBUG line, no stack trace.</li>
 * <li>The session's own frames: as the connection's {@link Wire}, it writes them from here, already encoded
 * ({@link OutboundFrame}), past Vert.x, whose per-frame task, future and flush were most of the cost of a
 * fan-out. Nothing goes out after a close frame, whoever sent it.</li>
 * </ul>
 * One instance per connection; everything but {@link #stalledForNanos}, {@link #describe} and
 * {@link #drainSoon} runs on the connection's event loop.
 */
public final class FrameGuard extends ChannelDuplexHandler implements Wire {
    /** The name Vert.x gives its handler in every connection's pipeline. */
    private static final String VERTX_HANDLER = "handler";
    static final String NAME = "realtime-edge-frame-guard";
    /** The name Vert.x gives the IdleStateHandler it adds for {@code quarkus.http.idle-timeout}. */
    private static final String IDLE_HANDLER = "idle";
    /** After the edge's close frame, how long it waits for the client's before it drops the socket. */
    static final long CLOSE_WAIT_SECONDS = 10;
    private static final Logger LOG = Logger.getLogger(FrameGuard.class);

    private final InboundBudget inbound;
    /**
     * Netty's check of text frames, run by the guard rather than as a handler of its own in the pipeline: a handler
     * context per connection less (issue 18's memory per idle connection). It passes each frame it accepts on.
     */
    private final Utf8FrameValidator utf8 = new Utf8FrameValidator(false);
    private final int violationsBeforeClose;
    private final EdgeMetrics metrics;
    /** How the log names the connection; made only when a line is written (a String per connection was ~100 bytes). */
    private volatile Supplier<String> label;
    /** System.nanoTime() when the socket's write buffer went over its high-water mark; 0 while it is below. */
    private volatile long unwritableSince;
    /** System.nanoTime() when the socket last took a frame. */
    private volatile long lastWritten = System.nanoTime();
    /** A close frame went out, the edge's or the framework's: nothing is answered after it. */
    private boolean closeSent;
    /** This guard is closing the connection: inbound frames are dropped, outbound ones refused. */
    private boolean failing;
    /** Set when the guard joins the pipeline, before the upgrade completes and a session can exist. */
    private volatile ChannelHandlerContext context;
    private volatile LoopDrains drains;
    /**
     * Shared by the writes made while the socket is full: each one the client takes shows it is reading. Made when
     * the socket first fills up (event loop only): most connections never do.
     */
    private ChannelFutureListener markTaken;

    FrameGuard(InboundBudget inbound, int violationsBeforeClose, EdgeMetrics metrics, Supplier<String> label) {
        this.inbound = inbound;
        this.violationsBeforeClose = violationsBeforeClose;
        this.metrics = metrics;
        this.label = label;
    }

    public InboundBudget inbound() {
        return inbound;
    }

    /** How the log names the connection, once it is known (never anything from the token but the user id). */
    public void describe(Supplier<String> label) {
        this.label = label;
    }

    /**
     * How long, at {@code now} (System.nanoTime()), the socket's write buffer has been full without the socket
     * taking a frame; 0 when it is not full. A client that reads, however slowly, keeps this at 0.
     */
    public long stalledForNanos(long now) {
        long since = unwritableSince;
        return since == 0 ? 0 : Math.max(0, now - Math.max(since, lastWritten));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        drains = LoopDrains.of(ctx.executor());
    }

    @Override
    public void drainSoon(Runnable drain) {
        drains.request(drain);
    }

    @Override
    public void write(OutboundFrame frame, WriteListener written) {
        ChannelHandlerContext ctx = context;
        if (failing || closeSent) {
            if (written != null) {
                written.written(false);
            }
            return;
        }
        // Written from this handler's place in the pipeline: the frame encoders pass bytes through as they are.
        // The array is shared by every session of the room and never changed; the NIO transport copies it into
        // a pooled direct buffer as it queues it.
        ByteBuf bytes = Unpooled.wrappedBuffer(frame.wire());
        if (written != null) {
            ctx.write(bytes, tracked(ctx, written));
        } else if (!ctx.channel().isWritable()) {
            // The socket is full: the slow-consumer rule needs to see the client take each frame, however slowly.
            if (markTaken == null) {
                markTaken = done -> {
                    if (done.isSuccess()) {
                        lastWritten = System.nanoTime();
                    }
                };
            }
            ctx.write(bytes, ctx.newPromise().addListener(markTaken));
        } else {
            ctx.write(bytes, ctx.channel().unsafe().voidPromise());
        }
    }

    /**
     * Called once the connection is a WebSocket: drops Vert.x's idle handler, which would otherwise put a promise
     * and a listener on every frame and keep a timer per connection; the edge closes silent connections itself
     * ({@code realtime.idle-timeout}, from the pongs to its pings).
     */
    public void upgraded() {
        ChannelHandlerContext ctx = context;
        ctx.executor().execute(() -> {
            if (ctx.pipeline().get(IDLE_HANDLER) != null) {
                ctx.pipeline().remove(IDLE_HANDLER);
            }
        });
    }

    @Override
    public void whenTaken(WriteListener taken) {
        ChannelHandlerContext ctx = context;
        // An empty buffer leaves the outbound buffer when everything ahead of it has.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER, tracked(ctx, taken));
    }

    private ChannelPromise tracked(ChannelHandlerContext ctx, WriteListener listener) {
        ChannelPromise promise = ctx.newPromise();
        promise.addListener(done -> {
            if (done.isSuccess()) {
                lastWritten = System.nanoTime();
            }
            listener.written(done.isSuccess());
        });
        return promise;
    }

    @Override
    public void flush() {
        context.flush();
    }

    @Override
    public int unwritten() {
        ChannelOutboundBuffer buffer = context.channel().unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.size();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failing) {
            // Drained, so the socket is not reset under the close frame; the client's close ends it.
            boolean clientClosed = frame instanceof CloseWebSocketFrame;
            frame.release();
            if (clientClosed) {
                ctx.close();
            }
            return;
        }
        if (frame instanceof PingWebSocketFrame || frame instanceof PongWebSocketFrame) {
            if (closeSent) {
                // Vert.x would answer a ping even after the close frame.
                frame.release();
                return;
            }
            int refusedInARow = inbound.take();
            if (refusedInARow > 0) {
                frame.release();
                if (refusedInARow >= violationsBeforeClose) {
                    fail(ctx, CloseCodes.RATE_LIMITED, "rate limit exceeded",
                            "kept sending pings or pongs over its rate limit", true);
                }
                return;
            }
        }
        // Text (and the continuations of a text message) must be UTF-8: a violation is thrown, and Netty passes it to
        // exceptionCaught below as it does the decoder's; anything else goes on to Vert.x. (Reserved bits need no check
        // here: with compression off, WebSocketServerOptions, the decoder refuses them itself.)
        utf8.channelRead(ctx, msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupt) {
            int code = corrupt.closeStatus().code();
            String reason = switch (code) {
                case CloseCodes.MESSAGE_TOO_BIG -> "frame too big";
                case CloseCodes.INVALID_PAYLOAD -> "invalid UTF-8";
                default -> "protocol error";
            };
            // The decoder discards whatever follows a broken frame: no close frame of the client's can arrive.
            fail(ctx, code, reason, printable(corrupt.getMessage()), false);
            return;
        }
        if (failing) {
            // The edge is closing this socket anyway (a reset by the client, say): nothing to report.
            LOG.debugf("Ignored while closing %s: %s", label.get(), cause.toString());
            return;
        }
        if (cause instanceof IOException) {
            // The client reset the connection (or the network did): it ended, as a close would; not a failure to
            // report with a stack trace.
            LOG.debugf("The socket of %s failed: %s", label.get(), cause.toString());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof WebSocketFrame)) {
            ctx.write(msg, promise);
            return;
        }
        if (failing) {
            // The edge's close frame is out: nothing may follow it.
            ReferenceCountUtil.release(msg);
            if (!promise.isVoid()) {
                promise.tryFailure(new ClosedChannelException());
            }
            return;
        }
        if (msg instanceof CloseWebSocketFrame) {
            closeSent = true;
        }
        ChannelPromise tracked = promise.unvoid();
        tracked.addListener(written -> {
            if (written.isSuccess()) {
                lastWritten = System.nanoTime();
            }
        });
        ctx.write(msg, tracked);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        unwritableSince = ctx.channel().isWritable() ? 0 : System.nanoTime();
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Closes with {@code code}: the close frame (unless one is already out), then the socket, once the frame is
     * written ({@code awaitClientClose} false) or the client's close frame arrived, or after
     * {@link #CLOSE_WAIT_SECONDS} at the latest. Vert.x and the endpoint only see the socket close.
     */
    private void fail(ChannelHandlerContext ctx, int code, String reason, String why, boolean awaitClientClose) {
        if (failing) {
            return;
        }
        failing = true;
        metrics.closed(code);
        LOG.infof("Closing %s with %d: %s", label.get(), code, why);
        ChannelFuture written;
        if (closeSent) {
            written = ctx.newSucceededFuture();
        } else {
            closeSent = true;
            written = ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
        }
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> {
            ctx.close();
        }, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        ctx.channel().closeFuture().addListener(closed -> deadline.cancel(false));
        if (awaitClientClose) {
            // Vert.x may have paused reading; the client's close frame has to get through.
            ctx.channel().config().setAutoRead(true);
        } else {
            written.addListener(done -> ctx.close());
        }
    }

    /**
     * Upgrades {@code request} to a WebSocket with a guard in its pipeline; {@code opened} gets both on the socket's
     * event loop, with nothing of the handshake left on the socket or its context. False, with nothing done, when
     * the request is not on Vert.x's HTTP/1.1 connection (the caller refuses it). A failed upgrade (a bad WebSocket
     * version or key, say) was answered by Vert.x itself.
     */
    public static boolean upgrade(HttpServerRequest request, InboundLimits limits, EdgeMetrics metrics,
            BiConsumer<ServerWebSocket, FrameGuard> opened) {
        FrameGuard guard = install(request, limits, metrics);
        if (guard == null) {
            return false;
        }
        Context requestContext = Vertx.currentContext();
        request.toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) {
                LOG.debugf("An upgrade from %s failed: %s", request.remoteAddress(), upgraded.cause().toString());
                return;
            }
            ServerWebSocket socket = upgraded.result();
            forgetHandshake(requestContext, socket);
            opened.accept(socket, guard);
        });
        return true;
    }

    /**
     * Puts a {@link FrameGuard} into the connection's pipeline just before Vert.x's handler: Vert.x builds the frame
     * decoder with {@code closeOnProtocolViolation(false)} and answers pings itself, so the guard is where protocol
     * violations and control frames are seen. The upgrade replaces the HTTP codec with the frame decoder and encoder
     * in front of the guard, and Vert.x's own handler behind it, so both stay in place for the WebSocket. Null for a
     * connection that is not Vert.x's HTTP/1.1 one.
     */
    private static FrameGuard install(HttpServerRequest request, InboundLimits limits, EdgeMetrics metrics) {
        if (!(request.connection() instanceof ConnectionBase base)
                || base.channel().pipeline().get(VERTX_HANDLER) == null) {
            return null;
        }
        // The request's address: the client's, also behind a proxy that forwards it (quarkus.http.proxy.*). Kept until
        // the session opens and describe() names the connection by its user.
        SocketAddress from = request.remoteAddress();
        FrameGuard guard = new FrameGuard(limits.newBudget(), limits.violationsBeforeClose(), metrics,
                () -> "connection from " + from);
        ChannelPipeline pipeline = base.channel().pipeline();
        // A keep-alive connection whose earlier upgrade was refused already has one: start afresh.
        if (pipeline.get(FrameGuard.NAME) != null) {
            pipeline.remove(FrameGuard.NAME);
        }
        pipeline.addBefore(VERTX_HANDLER, FrameGuard.NAME, guard);
        return guard;
    }

    /**
     * The socket lives on the request's duplicated context, where Quarkus's authentication left the routing context
     * and the security identity as context locals (and tracing the request's span): the request is over, none of it
     * may live as long as the connection. The emptied map goes too: a {@code ConcurrentHashMap} keeps its table
     * after {@code clear()} (about 150 bytes of every idle connection, issue 18), and whoever asks for the context's
     * local data later gets a new one. Also drops the upgrade's headers, which Vert.x keeps with the socket (the
     * token among them).
     */
    private static void forgetHandshake(Context requestContext, ServerWebSocket socket) {
        if (requestContext instanceof ContextInternal context && VertxContext.isDuplicatedContext(context)) {
            context.localContextData().clear();
            context.removeLocal(ContextInternal.LOCAL_MAP, AccessMode.CONCURRENT);
        }
        socket.headers().clear();
    }

    /** Netty's reason texts hold no payload; cut and cleaned anyway, since they end up in the log. */
    private static String printable(String raw) {
        if (raw == null) {
            return "protocol violation";
        }
        String cut = raw.length() > 200 ? raw.substring(0, 200) + "…" : raw;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
