package dev.realtime.identity;

import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bearer credential a browser carries on a WebSocket upgrade, where it cannot set headers: the subprotocol
 * {@code quarkus-http-upgrade#Authorization#<URL-encoded value>} beside {@code bearer-token-carrier} in
 * {@code Sec-WebSocket-Protocol} (the convention websockets-next introduced, which the SDK and existing browser
 * clients send). The one place the convention is parsed.
 */
public final class BrowserCarrier {
    /** The subprotocol the server answers with when a browser carried its token this way. */
    public static final String SUBPROTOCOL = "bearer-token-carrier";
    private static final String PREFIX = "quarkus-http-upgrade#";

    private BrowserCarrier() {
    }

    /** Each {@code Authorization} value the request's subprotocols carry, in the order offered. */
    public static List<String> authorizations(HttpServerRequest request) {
        List<String> found = new ArrayList<>(1);
        for (String protocols : request.headers().getAll("Sec-WebSocket-Protocol")) {
            for (String protocol : protocols.split(",")) {
                String carried = authorization(protocol.trim());
                if (carried != null) {
                    found.add(carried);
                }
            }
        }
        return found;
    }

    /** {@code quarkus-http-upgrade#Authorization#<value>}, URL-encoded as browsers must send it: the value. */
    static String authorization(String protocol) {
        String decoded;
        try {
            decoded = URLDecoder.decode(protocol, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null; // not URL-encoded: not a carried header
        }
        if (!decoded.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        int separator = decoded.indexOf('#', PREFIX.length());
        if (separator < 0 || !decoded.substring(PREFIX.length(), separator).equalsIgnoreCase("Authorization")) {
            return null;
        }
        return decoded.substring(separator + 1);
    }
}
