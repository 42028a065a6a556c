package dev.realtime.oidc.tokencache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.runtime.OidcTenantConfig;
import io.quarkus.runtime.Startup;
import io.quarkus.security.credential.Credential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.security.Permission;
import java.security.Principal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Bearer tokens quarkus-oidc has verified, with the identity it built for each, so that a client sending the same
 * token on every request costs one signature check per token instead of one per request.
 *
 * <p>What is kept is the identity as OIDC built it, without the objects of the request that verified it: a hit is
 * rebuilt with the current request's routing context and blocking executor. Entries are keyed by the tenant OIDC
 * resolved for the request and by the whole token string, and never outlive the token's {@code exp} (nor
 * {@code iat} + {@code quarkus.oidc.token.age} where a tenant sets it). Requests whose verification depends on more
 * than the token always go to OIDC: tenants that bind tokens to a client certificate or a DPoP proof, decrypt them,
 * or introspect every JWT; endpoints with a step-up policy ({@code @AuthenticationContext}); tokens OIDC introspected.
 */
@Startup
@ApplicationScoped
public class VerifiedTokenCache {
    private static final Logger LOG = Logger.getLogger(VerifiedTokenCache.class);

    /** Marks an identity served from the cache, so that recording it again does not restart its max-age. */
    static final String SERVED_FROM_CACHE = VerifiedTokenCache.class.getName() + ".hit";

    private static final Set<String> PER_REQUEST_ATTRIBUTES = Set.of(RoutingContext.class.getName(),
            HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE, AuthenticationRequestContext.class.getName());

    private record Key(String tenantId, String token) {
    }

    private record Verified(Principal principal, Set<String> roles, Set<Credential> credentials,
            Set<Permission> permissions, Map<String, Object> attributes, long expiresAtMillis) {
    }

    private final Cache<Key, Verified> verified;
    private final LongSupplier clock;

    @Inject
    VerifiedTokenCache(TokenCacheConfig config, Instance<MeterRegistry> registry) {
        this(config, System::currentTimeMillis);
        if (verified != null && registry.isResolvable()) {
            CaffeineCacheMetrics.monitor(registry.get(), verified, "oidc-token-cache");
        }
    }

    VerifiedTokenCache(TokenCacheConfig config, LongSupplier clock) {
        this.clock = clock;
        if (!config.enabled()) {
            LOG.info("OIDC token cache off: every request's bearer token is verified");
            this.verified = null;
            return;
        }
        Duration maxAge = config.maxAge();
        this.verified = Caffeine.newBuilder()
                .maximumSize(config.maxSize())
                .expireAfter(Expiry.creating((Key key, Verified entry) -> {
                    Duration untilExpiry = Duration.ofMillis(entry.expiresAtMillis() - clock.getAsLong());
                    return untilExpiry.compareTo(maxAge) < 0 ? untilExpiry : maxAge;
                }))
                .recordStats()
                .build();
    }

    public boolean enabled() {
        return verified != null;
    }

    /** Whether a tenant's verification of a token is the same on every request, so that it can be reused. */
    static boolean reusable(OidcTenantConfig tenant) {
        OidcTenantConfig.Token token = tenant.token();
        return !token.binding().certificate()
                && !OidcInternals.dpopScheme(token.authorizationScheme())
                && !token.decryptAccessToken()
                && !token.requireJwtIntrospectionOnly();
    }

    /** The identity of a token verified earlier and not yet expired, for this request; null otherwise. */
    SecurityIdentity identityFor(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (verified == null || !(request.getToken() instanceof AccessTokenCredential)) {
            return null;
        }
        RoutingContext routingContext = HttpSecurityUtils.getRoutingContextAttribute(request);
        OidcTenantConfig tenant = reusableTenant(routingContext);
        if (tenant == null || OidcInternals.stepUpRequired(routingContext)) {
            return null;
        }
        Verified entry = verified.getIfPresent(new Key(OidcInternals.tenantId(tenant), request.getToken().getToken()));
        // The cache's own expiry is lazy; an expired token must go to OIDC (and get its 401) at once.
        if (entry == null || clock.getAsLong() >= entry.expiresAtMillis()) {
            return null;
        }
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(entry.principal())
                .addRoles(entry.roles())
                .addCredentials(entry.credentials())
                .addPermissions(entry.permissions())
                .addAttributes(entry.attributes())
                .addAttribute(RoutingContext.class.getName(), routingContext)
                .addAttribute(AuthenticationRequestContext.class.getName(), context)
                .addAttribute(SERVED_FROM_CACHE, Boolean.TRUE)
                .build();
    }

    /**
     * Keeps an identity quarkus-oidc has just built from a bearer JWT on an HTTP request. Never fails: an identity
     * that cannot be kept is simply verified again next time.
     */
    void remember(SecurityIdentity identity, Map<String, Object> requestAttributes) {
        if (verified == null || identity.isAnonymous() || identity.getAttribute(SERVED_FROM_CACHE) != null) {
            return;
        }
        try {
            keep(identity, requestAttributes == null ? null : HttpSecurityUtils.getRoutingContextAttribute(requestAttributes));
        } catch (RuntimeException e) {
            LOG.debugf(e, "OIDC token cache: identity of %s not kept", identity.getPrincipal().getName());
        }
    }

    private void keep(SecurityIdentity identity, RoutingContext routingContext) {
        OidcTenantConfig tenant = reusableTenant(routingContext);
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        if (tenant == null || credential == null
                || !(identity instanceof QuarkusSecurityIdentity built)
                || !(identity.getPrincipal() instanceof JsonWebToken jwt)
                || !credential.getToken().equals(jwt.getRawToken())
                || !OidcInternals.tenantId(tenant).equals(OidcInternals.verifyingTenant(identity))
                || OidcInternals.introspected(identity)) {
            return;
        }
        long expiresAtMillis = jwt.getExpirationTime() * 1000L;
        if (tenant.token().age().isPresent()) {
            expiresAtMillis = Math.min(expiresAtMillis, (jwt.getIssuedAtTime() + tenant.token().age().get().toSeconds()) * 1000L);
        }
        if (expiresAtMillis <= clock.getAsLong()) {
            return;
        }
        Map<String, Object> attributes = new HashMap<>(identity.getAttributes());
        attributes.keySet().removeAll(PER_REQUEST_ATTRIBUTES);
        attributes.values().removeIf(Objects::isNull);
        verified.put(new Key(OidcInternals.tenantId(tenant), credential.getToken()), new Verified(identity.getPrincipal(),
                Set.copyOf(identity.getRoles()), Set.copyOf(identity.getCredentials()),
                Set.copyOf(built.getPermissions()), Map.copyOf(attributes), expiresAtMillis));
    }

    /** The tenant quarkus-oidc resolved for the request, when its verification of a token can be reused. */
    private static OidcTenantConfig reusableTenant(RoutingContext routingContext) {
        OidcTenantConfig tenant = OidcInternals.resolvedTenant(routingContext);
        return tenant != null && reusable(tenant) ? tenant : null;
    }
}
