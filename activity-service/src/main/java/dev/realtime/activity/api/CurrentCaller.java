package dev.realtime.activity.api;

import dev.realtime.activity.domain.Caller;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller of the current request: the token's sub, and a display name from {@code name} or the user name. */
@RequestScoped
public class CurrentCaller {
    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    /** The {@code name} claim: the display name the identity provider gives the caller, if any. */
    public String nameClaim() {
        return identity.isAnonymous() ? null : stringClaim("name");
    }

    public String id() {
        return identity.getPrincipal().getName();
    }

    public boolean isAnonymous() {
        return identity.isAnonymous();
    }

    public Caller get() {
        String id = identity.getPrincipal().getName();
        String name = stringClaim("name");
        if (name == null) {
            name = stringClaim("preferred_username");
        }
        return new Caller(id, name == null ? id : name);
    }

    /**
     * Reads quarkus-oidc's claims directly where it can: smallrye-jwt's {@code getClaim} throws and catches an
     * exception for every claim name outside its enum ({@code name} is one), which showed in the profile of posts.
     */
    private String stringClaim(String claimName) {
        Object value = identity.getPrincipal() instanceof OidcJwtCallerPrincipal principal
                ? principal.getClaims().getClaimValue(claimName)
                : token.getClaim(claimName);
        return value instanceof String text ? text : null;
    }
}
