package dev.realtime.identity;

import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Client input made fit for one log line: cut, and printable ASCII only. */
final class LogSafe {
    private LogSafe() {
    }

    static String printable(String raw, int maxLength) {
        String cut = raw.length() > maxLength ? raw.substring(0, maxLength) + "…" : raw;
        return cut.replaceAll("[^\\x20-\\x7E…]", "?");
    }

    /** "on GET /path" for an authentication during an HTTP request, else where else it happened. */
    static String where(Map<String, Object> requestAttributes) {
        RoutingContext routing = requestAttributes == null ? null
                : HttpSecurityUtils.getRoutingContextAttribute(requestAttributes);
        return routing == null ? "(no HTTP request: in-band refresh)" : where(routing);
    }

    static String where(RoutingContext routing) {
        return "on " + routing.request().method() + " " + printable(routing.normalizedPath(), 128);
    }
}
