package dev.realtime.edge.ws;

import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.ops.EdgeMetrics;
import dev.realtime.edge.rooms.InboundBudget;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Puts a {@link FrameGuard} (and Netty's UTF-8 validator for text frames, ahead of it) into the pipeline of every
 * connection being upgraded, just before Vert.x's handler, and hands it to the endpoint through the connection's
 * user data. Neither websockets-next nor Vert.x has a setting for this: Vert.x builds the frame decoder with
 * {@code closeOnProtocolViolation(false)} and answers pings itself, and websockets-next exposes neither the Vert.x
 * WebSocket nor its channel. The channel is reached through Vert.x's {@link ConnectionBase} (Vert.x 4's connection
 * class behind {@link HttpConnection}); the upgrade replaces the HTTP codec with the frame decoder and encoder in
 * front of these handlers, and Vert.x's own handler behind them, so both stay in place for the WebSocket.
 * Never refuses an upgrade.
 */
@ApplicationScoped
public class FrameGuardInstaller implements HttpUpgradeCheck {
    static final UserData.TypedKey<FrameGuard> GUARD = new UserData.TypedKey<>("realtime-edge.frame-guard");
    /** The name Vert.x gives its handler in every connection's pipeline. */
    private static final String VERTX_HANDLER = "handler";
    private static final Logger LOG = Logger.getLogger(FrameGuardInstaller.class);

    @Inject
    EdgeConfig config;
    @Inject
    EdgeMetrics metrics;

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpConnection connection = context.httpRequest().connection();
        if (connection instanceof ConnectionBase base && base.channel().pipeline().get(VERTX_HANDLER) != null) {
            FrameGuard guard = new FrameGuard(
                    new InboundBudget(config.limits().framesPerSecond(), config.limits().frameBurst()),
                    config.limits().rateViolationsBeforeClose(), metrics,
                    "connection from " + context.httpRequest().remoteAddress());
            ChannelPipeline pipeline = base.channel().pipeline();
            // A keep-alive connection whose earlier upgrade was refused already has them: start afresh.
            for (String name : List.of(FrameGuard.RESERVED_BITS, FrameGuard.UTF8_VALIDATOR, FrameGuard.NAME)) {
                if (pipeline.get(name) != null) {
                    pipeline.remove(name);
                }
            }
            // In this order, each one's exception reaching the guard. Vert.x adds its WebSocket extension handler
            // (when compression is on) in front of its handler as the connection is made, and the negotiated
            // extension's decoder goes right behind that at the handshake: in front of these, so they see frames
            // decompressed.
            pipeline.addBefore(VERTX_HANDLER, FrameGuard.RESERVED_BITS, new FrameGuard.ReservedBits());
            pipeline.addBefore(VERTX_HANDLER, FrameGuard.UTF8_VALIDATOR, new Utf8FrameValidator(false));
            pipeline.addBefore(VERTX_HANDLER, FrameGuard.NAME, guard);
            context.userData().put(GUARD, guard);
        } else {
            LOG.debugf("No frame guard for an upgrade over %s", connection == null ? null : connection.getClass());
        }
        return CheckResult.permitUpgrade();
    }
}
