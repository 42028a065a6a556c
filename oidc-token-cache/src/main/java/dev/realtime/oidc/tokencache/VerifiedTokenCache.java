package dev.realtime.oidc.tokencache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.runtime.OidcUtils;
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
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Bearer tokens quarkus-oidc has verified, with the identity it built for each, so that a client sending the same
 * token on every request costs one signature check per token instead of one per request (on a loaded chat-service
 * the RSA check and claims parsing were about 15 % of its CPU).
 *
 * <p>What is kept is the identity as OIDC built it, without the objects of the request that verified it: a hit is
 * rebuilt with the current request's routing context and blocking executor. Entries are keyed by the OIDC tenant and
 * the whole token string, and never outlive the token's {@code exp}. Tokens bound to a client certificate or a DPoP
 * proof are checked against per-request evidence, so with either configured the cache switches itself off.
 */
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
    VerifiedTokenCache(TokenCacheConfig config, Config rawConfig, Instance<MeterRegistry> registry) {
        this(config, rawConfig, System::currentTimeMillis);
        if (verified != null && registry.isResolvable()) {
            CaffeineCacheMetrics.monitor(registry.get(), verified, "oidc-token-cache");
        }
    }

    VerifiedTokenCache(TokenCacheConfig config, Config rawConfig, LongSupplier clock) {
        this.clock = clock;
        String bindingProperty = tokenBindingProperty(rawConfig);
        if (!config.enabled()) {
            this.verified = null;
        } else if (bindingProperty != null) {
            LOG.infof("OIDC token cache off: %s binds tokens to per-request proofs", bindingProperty);
            this.verified = null;
        } else {
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
    }

    public boolean enabled() {
        return verified != null;
    }

    /** The identity of a token verified earlier and not yet expired, for this request; null otherwise. */
    SecurityIdentity identityFor(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (verified == null || !(request.getToken() instanceof AccessTokenCredential)) {
            return null;
        }
        RoutingContext routingContext = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (routingContext == null) {
            return null;
        }
        String tenantId = routingContext.get(OidcUtils.TENANT_ID_ATTRIBUTE);
        if (tenantId == null) {
            return null;
        }
        Verified entry = verified.getIfPresent(new Key(tenantId, request.getToken().getToken()));
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

    /** Keeps an identity quarkus-oidc has just built from a bearer JWT. */
    void remember(SecurityIdentity identity) {
        if (verified == null || identity.isAnonymous() || identity.getAttribute(SERVED_FROM_CACHE) != null
                || !(identity instanceof QuarkusSecurityIdentity built)
                || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return;
        }
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        String tenantId = identity.getAttribute(OidcUtils.TENANT_ID_ATTRIBUTE);
        long expiresAtMillis = jwt.getExpirationTime() * 1000L;
        if (credential == null || tenantId == null || expiresAtMillis <= clock.getAsLong()
                || !credential.getToken().equals(jwt.getRawToken())) {
            return;
        }
        Map<String, Object> attributes = new HashMap<>(identity.getAttributes());
        attributes.keySet().removeAll(PER_REQUEST_ATTRIBUTES);
        verified.put(new Key(tenantId, credential.getToken()), new Verified(identity.getPrincipal(),
                Set.copyOf(identity.getRoles()), Set.copyOf(identity.getCredentials()),
                Set.copyOf(built.getPermissions()), Map.copyOf(attributes), expiresAtMillis));
    }

    private static String tokenBindingProperty(Config config) {
        return StreamSupport.stream(config.getPropertyNames().spliterator(), false)
                .filter(name -> name.startsWith("quarkus.oidc."))
                .filter(name -> (name.endsWith(".token.binding.certificate")
                        && config.getOptionalValue(name, Boolean.class).orElse(false))
                        || (name.endsWith(".token.authorization-scheme")
                                && config.getOptionalValue(name, String.class).orElse("").equalsIgnoreCase("DPoP")))
                .findFirst()
                .orElse(null);
    }
}
