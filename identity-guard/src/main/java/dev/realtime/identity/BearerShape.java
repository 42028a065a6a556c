package dev.realtime.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Whether a bearer credential has the shape of a signed JWT (JWS compact serialization: a JSON header with
 * {@code alg}, a JSON payload, a signature), the only kind of token the services accept (opaque tokens are not
 * introspected). quarkus-oidc 3.32 answers some impossible shapes with a 500 and a stack trace instead of a 401:
 * a token of dots only (quarkus#55887) or a header that is not JSON (quarkus#51705). Checking the shape first
 * costs two small Base64 decodes, and the refusal is then the same 401 as for any other token OIDC refuses.
 */
public final class BearerShape {
    private static final Pattern JWS_COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    /** Far above any real token (Keycloak's with many roles stay under 8 KB); the header limit bounds it anyway. */
    private static final int MAX_LENGTH = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private BearerShape() {
    }

    /** Null when {@code token} looks like a signed JWT, else why it cannot be one (for the log, never the token). */
    public static String problemWith(String token) {
        if (token == null || token.isEmpty()) {
            return "empty";
        }
        if (token.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        if (!JWS_COMPACT.matcher(token).matches()) {
            return "not three Base64url parts separated by dots";
        }
        int firstDot = token.indexOf('.');
        int secondDot = token.indexOf('.', firstDot + 1);
        JsonNode header = jsonObject(token.substring(0, firstDot));
        if (header == null || !header.path("alg").isTextual()) {
            return "its header is not a JSON object with alg";
        }
        if (jsonObject(token.substring(firstDot + 1, secondDot)) == null) {
            return "its payload is not a JSON object";
        }
        return null;
    }

    private static JsonNode jsonObject(String base64url) {
        try {
            JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(base64url));
            return node != null && node.isObject() ? node : null;
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
    }
}
