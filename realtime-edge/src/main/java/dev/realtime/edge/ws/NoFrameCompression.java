package dev.realtime.edge.ws;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns off Vert.x's per-frame WebSocket compression ({@code x-webkit-deflate-frame}), which Vert.x offers by
 * default and websockets-next has no setting for; per-message compression is off by configuration. Live frames are
 * encoded once for a whole room and must go out as they are (see application.properties).
 */
@ApplicationScoped
public class NoFrameCompression implements HttpServerOptionsCustomizer {
    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setPerFrameWebSocketCompressionSupported(false);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        options.setPerFrameWebSocketCompressionSupported(false);
    }
}
