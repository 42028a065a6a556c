package dev.realtime.servicekit.caller;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.Map;

/** What a service reads of its caller through the kit, and whether the claims were read directly. */
@Path("/caller")
@Authenticated
public class CallerProbeResource {
    @Inject
    CurrentCaller caller;

    @Inject
    SecurityIdentity identity;

    @GET
    public Map<String, Object> caller() {
        return Map.of(
                "id", caller.id(),
                "displayName", caller.displayName(),
                "nameClaim", String.valueOf(caller.nameClaim()),
                "email", String.valueOf(caller.email()),
                "readsClaimsDirectly", OidcClaims.readsDirectly(identity));
    }
}
