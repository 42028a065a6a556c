package dev.realtime.identity;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The HTTP limits of every service ({@code quarkus.http.limits.max-initial-line-length}, {@code max-header-size},
 * {@code max-body-size}) answered with RFC 9457 bodies: 414 {@code /problems/uri-too-long}, 431
 * {@code /problems/header-fields-too-large}, 413 {@code /problems/payload-too-large} (for a declared
 * {@code Content-Length}). Vert.x answers a request line or headers over its own limits with a bare status before any
 * route runs, and offers no hook on Quarkus's server for it; so Vert.x's limits are raised to {@link #DECODER_FACTOR}
 * times the configured ones (at least {@link #DECODER_FLOOR} bytes) and the configured limits are checked here, first
 * of all filters. A request beyond Vert.x's raised limits still gets its bare status. One line at INFO per refusal.
 */
@ApplicationScoped
public class HttpLimits implements HttpServerOptionsCustomizer {
    static final int DECODER_FACTOR = 4;
    static final int DECODER_FLOOR = 64 * 1024;
    /** Before CORS (300) and everything else: nothing needs to look at such a request. */
    static final int PRIORITY = 1_000;
    private static final Logger LOG = Logger.getLogger(HttpLimits.class);

    private final int maxInitialLine;
    private final long maxHeaders;
    private final long maxBody;

    HttpLimits() {
        var config = ConfigProvider.getConfig();
        maxInitialLine = config.getOptionalValue("quarkus.http.limits.max-initial-line-length", Integer.class)
                .orElse(4096);
        maxHeaders = config.getOptionalValue("quarkus.http.limits.max-header-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(20L * 1024);
        maxBody = config.getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(10L * 1024 * 1024);
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setMaxInitialLineLength(Math.max(DECODER_FLOOR, maxInitialLine * DECODER_FACTOR));
        options.setMaxHeaderSize((int) Math.max(DECODER_FLOOR, maxHeaders * DECODER_FACTOR));
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        // The request line as the client sent it: method, target, version, two spaces.
        int line = request.method().name().length() + request.uri().length() + "HTTP/1.1".length() + 2;
        if (line > maxInitialLine) {
            refuse(routing, 414, "uri-too-long", "URI Too Long",
                    "The request line is longer than " + maxInitialLine + " bytes.");
            return;
        }
        long headers = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headers += header.getKey().length() + header.getValue().length() + 4; // ": " and CRLF
        }
        if (headers > maxHeaders) {
            refuse(routing, 431, "header-fields-too-large", "Request Header Fields Too Large",
                    "The request headers are larger than " + maxHeaders + " bytes.");
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null && declaredLength(length) > maxBody) {
            refuse(routing, 413, "payload-too-large", "Content Too Large",
                    "The request body is larger than " + maxBody + " bytes.");
            return;
        }
        routing.next();
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1; // not ours to judge: the HTTP decoder refuses it
        }
    }

    private static void refuse(RoutingContext routing, int status, String slug, String title, String detail) {
        LOG.infof("Refused a request %s: %d %s", LogSafe.where(routing), status, detail);
        JsonObject problem = new JsonObject().put("type", "/problems/" + slug).put("title", title)
                .put("status", status).put("detail", detail);
        routing.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/problem+json")
                // The rest of an oversized body is not read: the connection cannot carry another request.
                .putHeader("Connection", "close")
                .end(problem.encode());
    }
}
