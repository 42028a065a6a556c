package dev.realtime.edge.ws;

import dev.realtime.edge.ops.EdgeMetrics;
import dev.realtime.edge.rooms.CloseCodes;
import dev.realtime.edge.rooms.InboundBudget;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Sits in a WebSocket connection's Netty pipeline between the frame decoders and Vert.x, for what websockets-next
 * does not let an endpoint see or decide:
 * <ul>
 * <li>Frames that break RFC 6455 (an unmasked frame, a reserved opcode, a control frame over 125 bytes or
 * fragmented, reserved bits no extension explains, a frame over {@code max-frame-size}, text that is not UTF-8).
 * Vert.x runs Netty's decoder with {@code closeOnProtocolViolation(false)} and, on its exception, drops the socket
 * without a close frame while websockets-next logs the exception at ERROR. Here the client gets the RFC's close
 * code instead ({@code 1002}, {@code 1009}, {@code 1007}) and the edge logs one INFO line.</li>
 * <li>The client's pings and pongs, which Vert.x answers (pings) before any endpoint callback runs: they draw from
 * the connection's inbound budget like text frames. One over the rate is dropped unanswered, and after
 * {@code realtime.limits.rate-violations-before-close} in a row the connection is closed with {@code 4029}, so
 * pongs cannot pile up in the write buffer of a client that pings without reading.</li>
 * <li>Whether the socket takes bytes: {@link #stalledForNanos} feeds the slow-consumer rule ({@code 4008}).</li>
 * <li>A socket that fails (a reset by the client): closed quietly, instead of two ERROR lines with stack traces
 * from websockets-next.</li>
 * </ul>
 * One instance per connection; everything but {@link #stalledForNanos} and {@link #describe} runs on the
 * connection's event loop.
 */
final class FrameGuard extends ChannelDuplexHandler {
    static final String NAME = "realtime-edge-frame-guard";
    static final String UTF8_VALIDATOR = "realtime-edge-utf8-validator";
    static final String RESERVED_BITS = "realtime-edge-reserved-bits";
    /** After the edge's close frame, how long it waits for the client's before it drops the socket. */
    static final long CLOSE_WAIT_SECONDS = 10;
    private static final Logger LOG = Logger.getLogger(FrameGuard.class);

    private final InboundBudget inbound;
    private final int violationsBeforeClose;
    private final EdgeMetrics metrics;
    private volatile String label;
    /** System.nanoTime() when the socket's write buffer went over its high-water mark; 0 while it is below. */
    private volatile long unwritableSince;
    /** System.nanoTime() when the socket last took a frame. */
    private volatile long lastWritten = System.nanoTime();
    /** A close frame went out, the edge's or the framework's: nothing is answered after it. */
    private boolean closeSent;
    /** This guard is closing the connection: inbound frames are dropped, outbound ones refused. */
    private boolean failing;

    FrameGuard(InboundBudget inbound, int violationsBeforeClose, EdgeMetrics metrics, String label) {
        this.inbound = inbound;
        this.violationsBeforeClose = violationsBeforeClose;
        this.metrics = metrics;
        this.label = label;
    }

    InboundBudget inbound() {
        return inbound;
    }

    /** How the log names the connection, once it is known (never anything from the token but the user id). */
    void describe(String label) {
        this.label = label;
    }

    /**
     * How long, at {@code now} (System.nanoTime()), the socket's write buffer has been full without the socket
     * taking a frame; 0 when it is not full. A client that reads, however slowly, keeps this at 0.
     */
    long stalledForNanos(long now) {
        long since = unwritableSince;
        return since == 0 ? 0 : Math.max(0, now - Math.max(since, lastWritten));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
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
        ctx.fireChannelRead(msg);
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
            LOG.debugf("Ignored while closing %s: %s", label, cause.toString());
            return;
        }
        if (cause instanceof IOException) {
            // The client reset the connection (or the network did): it ended, as a close would. Passed on, it would
            // be logged by websockets-next at ERROR with its stack trace, twice.
            LOG.debugf("The socket of %s failed: %s", label, cause.toString());
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
        LOG.infof("Closing %s with %d: %s", label, code, why);
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
     * Refuses frames with RSV bits set, ahead of the UTF-8 check (such a frame's payload may be compressed bytes,
     * and the violation is the bits). Vert.x allows extensions in the decoder whenever compression is supported, so
     * the decoder lets them through; here, behind the extension decoders (which clear the RSV1 of a frame they
     * decompressed), a bit still set is one no negotiated extension explains.
     */
    static final class ReservedBits extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof WebSocketFrame frame && frame.rsv() != 0) {
                frame.release();
                throw new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, "reserved bits set");
            }
            ctx.fireChannelRead(msg);
        }
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
