package dev.realtime.edge.ws;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.json.JsonString;
import java.time.Instant;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * What a connection keeps of the identity its upgrade was authenticated with: the user id (the token's
 * {@code sub}, not the principal name, which OIDC takes from preferred_username), a display name, the roles and the
 * token's expiry. Never the token (the edge reads owners on a user's behalf with its own: resume.OwnerCredentials)
 * nor the identity: quarkus-oidc's holds the upgrade's request, the parsed claims and the token several times over.
 */
public record Caller(String subject, String displayName, Set<String> roles, Instant expiresAt) {

    /** Null when the identity is not a verified JWT's. */
    public static Caller of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return null;
        }
        String subject = jwt.getSubject();
        String displayName = displayName(jwt);
        // One string for both when they read the same (a token without a name, say): kept for the connection's life.
        return new Caller(subject, subject != null && subject.equals(displayName) ? subject : displayName,
                identity.getRoles(), expiryOf(jwt));
    }

    private static String displayName(JsonWebToken jwt) {
        Object name = jwt.getClaim("name");
        if (name instanceof JsonString json) {
            return json.getString();
        }
        // OIDC takes the principal name from preferred_username.
        return name != null ? name.toString() : jwt.getName();
    }

    static Instant expiryOf(JsonWebToken jwt) {
        long exp = jwt.getExpirationTime();
        return exp > 0 ? Instant.ofEpochSecond(exp) : null;
    }
}
