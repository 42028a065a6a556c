package dev.realtime.edge.ws;

import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.identity.BrowserCarrier;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The WebSocket settings of the HTTP server the gateway upgrades on: frame and message limits
 * ({@code realtime.websocket.*}), the subprotocol a browser's carried token is answered with, and no compression
 * at all. Live events are encoded once per room and the same bytes go to every session of the room; deflating
 * them per connection would cost CPU per session and, with context takeover, about 110 KB of native memory per
 * connection, for JSON frames of a few hundred bytes. Clients that offer permessage-deflate (RFC 7692) or
 * {@code x-webkit-deflate-frame} get frames uncompressed. With compression off, Netty's frame decoder also refuses
 * frames with reserved bits set (no extension may explain them): {@link FrameGuard} counts on it.
 */
@ApplicationScoped
public class WebSocketServerOptions implements HttpServerOptionsCustomizer {
    @Inject
    EdgeConfig config;

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        apply(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        apply(options);
    }

    private void apply(HttpServerOptions options) {
        options.setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false)
                .setMaxWebSocketFrameSize(config.websocket().maxFrameSize())
                .setMaxWebSocketMessageSize(config.websocket().maxMessageSize())
                .setWebSocketSubProtocols(List.of(BrowserCarrier.SUBPROTOCOL));
    }
}
