package dev.realtime.activity.api;

import dev.realtime.activity.domain.Caller;
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

    public Caller get() {
        String id = identity.getPrincipal().getName();
        String name = token.getClaim("name");
        if (name == null) {
            name = token.getClaim("preferred_username");
        }
        return new Caller(id, name == null ? id : name);
    }
}
