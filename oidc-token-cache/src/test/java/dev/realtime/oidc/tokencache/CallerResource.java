package dev.realtime.oidc.tokencache;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.Map;
import java.util.TreeSet;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** What a service sees of its caller: the identity, the injected token, and the request the identity belongs to. */
@Path("/caller")
@Authenticated
public class CallerResource {
    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    @GET
    public Map<String, Object> caller() {
        var routingContext = HttpSecurityUtils.getRoutingContextAttribute(identity);
        return Map.of(
                "name", identity.getPrincipal().getName(),
                "username", token.getClaim("preferred_username"),
                "roles", new TreeSet<>(identity.getRoles()),
                "requestTag", String.valueOf(routingContext.request().getHeader("X-Request-Tag")),
                "fromCache", identity.getAttribute(VerifiedTokenCache.SERVED_FROM_CACHE) != null);
    }

    /** What {@link OidcInternals} finds of quarkus-oidc's per-request state, for {@code OidcInternalsTest}. */
    @GET
    @Path("/oidc-internals")
    public Map<String, Object> oidcInternals() {
        var routingContext = HttpSecurityUtils.getRoutingContextAttribute(identity);
        var tenant = OidcInternals.resolvedTenant(routingContext);
        return Map.of(
                "resolvedTenant", tenant == null ? "none" : OidcInternals.tenantId(tenant),
                "verifyingTenant", String.valueOf(OidcInternals.verifyingTenant(identity)),
                "introspected", OidcInternals.introspected(identity),
                "stepUpRequired", OidcInternals.stepUpRequired(routingContext),
                "fromCache", identity.getAttribute(VerifiedTokenCache.SERVED_FROM_CACHE) != null);
    }

    @GET
    @Path("/admin")
    @RolesAllowed("admin")
    public String admin() {
        return "admin " + identity.getPrincipal().getName();
    }
}
