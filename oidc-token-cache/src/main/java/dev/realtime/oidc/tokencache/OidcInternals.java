package dev.realtime.oidc.tokencache;

import io.quarkus.oidc.runtime.OidcTenantConfig;
import io.quarkus.oidc.runtime.OidcUtils;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;

/**
 * Everything the token cache relies on that quarkus-oidc does not publish as API, in one place: where its
 * authentication mechanism leaves per-request state, and the attributes its identity provider puts on an identity.
 * A Quarkus upgrade can change any of these without notice; {@code OidcInternalsTest} asserts them on a real request
 * (the resolved tenant, the verifying tenant) or where quarkus-oidc defines them (the step-up key, the DPoP scheme), so
 * such an upgrade fails that test instead of silently turning the cache off, or on for requests it must not serve.
 * The introspection attribute is read through quarkus-oidc's own constant ({@code OidcUtils.INTROSPECTION_ATTRIBUTE}),
 * so a rename reaches this class at the next build; a removal fails the build.
 * ({@code HttpSecurityUtils} and {@code QuarkusSecurityIdentity}, also used by the cache, are documented API.)
 */
final class OidcInternals {
    /** Where quarkus-oidc's mechanism leaves the tenant it resolved for the request, before any provider runs. */
    @SuppressWarnings("deprecation")
    static final String RESOLVED_TENANT = io.quarkus.oidc.OidcTenantConfig.class.getName();

    /** Where quarkus-oidc's mechanism leaves an endpoint's {@code @AuthenticationContext} (step-up) policy. */
    static final String STEP_UP_POLICY = "io.quarkus.oidc.runtime.step-up-auth";

    private OidcInternals() {
    }

    /** The tenant quarkus-oidc resolved for this request; null outside an OIDC-authenticated HTTP request. */
    static OidcTenantConfig resolvedTenant(RoutingContext routingContext) {
        return routingContext != null && routingContext.get(RESOLVED_TENANT) instanceof OidcTenantConfig tenant
                ? tenant
                : null;
    }

    /** Whether the endpoint of this request asks for a step-up ({@code acr}/{@code auth_time}) check. */
    static boolean stepUpRequired(RoutingContext routingContext) {
        return routingContext.get(STEP_UP_POLICY) != null;
    }

    static String tenantId(OidcTenantConfig tenant) {
        return tenant.tenantId().orElse(OidcUtils.DEFAULT_TENANT_ID);
    }

    /** The id of the tenant whose provider verified this identity; null for an identity OIDC did not build. */
    static String verifyingTenant(SecurityIdentity identity) {
        return identity.getAttribute(OidcUtils.TENANT_ID_ATTRIBUTE);
    }

    /** Whether OIDC verified the token by asking the provider (introspection) rather than by its signature. */
    static boolean introspected(SecurityIdentity identity) {
        return identity.getAttribute(OidcUtils.INTROSPECTION_ATTRIBUTE) != null;
    }

    /** Whether a tenant's tokens come with a DPoP proof, which is checked on every request. */
    static boolean dpopScheme(String authorizationScheme) {
        return OidcUtils.isDPoPScheme(authorizationScheme);
    }
}
