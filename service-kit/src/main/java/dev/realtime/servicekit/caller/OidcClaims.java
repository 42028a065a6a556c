package dev.realtime.servicekit.caller;

import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Reads a claim of the caller's verified token. The one place the kit touches quarkus-oidc's runtime classes:
 * smallrye-jwt's {@code JsonWebToken.getClaim} throws and catches an exception for every claim name outside its
 * enum ({@code name} is one), which showed in the profile of chat posts, so the claims of quarkus-oidc's own
 * principal are read directly when the principal is one. {@code OidcClaimsTest} asserts that a verified bearer
 * token's principal still is, so an upgrade that changes it fails there instead of quietly taking the slow path.
 */
final class OidcClaims {
    private OidcClaims() {
    }

    static Object claim(SecurityIdentity identity, JsonWebToken token, String claimName) {
        return readsDirectly(identity)
                ? ((OidcJwtCallerPrincipal) identity.getPrincipal()).getClaims().getClaimValue(claimName)
                : token.getClaim(claimName);
    }

    /** Whether the claims of this identity are read without smallrye-jwt's exception per unknown claim. */
    static boolean readsDirectly(SecurityIdentity identity) {
        return identity.getPrincipal() instanceof OidcJwtCallerPrincipal;
    }
}
