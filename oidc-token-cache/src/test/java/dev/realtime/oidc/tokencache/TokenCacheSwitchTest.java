package dev.realtime.oidc.tokencache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.oidc.OidcTenantConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the cache is off, and which tenants' verifications it never reuses. */
class TokenCacheSwitchTest {
    @Test
    void onByDefaultAndOffWhenSwitchedOff() {
        assertTrue(cache(true).enabled());
        assertFalse(cache(false).enabled());
    }

    @Test
    void aPlainBearerTenantIsReusable() {
        assertTrue(VerifiedTokenCache.reusable(OidcTenantConfig.builder().tenantId("plain").build()));
    }

    @Test
    void tenantsWhoseVerificationDependsOnTheRequestOrTheProviderAreNot() {
        assertFalse(VerifiedTokenCache.reusable(OidcTenantConfig.builder().tenantId("mtls")
                .token().binding().certificate(true).end().end().build()), "token bound to a client certificate");
        assertFalse(VerifiedTokenCache.reusable(OidcTenantConfig.builder().tenantId("dpop")
                .token().authorizationScheme("DPoP").end().build()), "DPoP proof per request");
        assertFalse(VerifiedTokenCache.reusable(OidcTenantConfig.builder().tenantId("encrypted")
                .token().decryptAccessToken(true).end().build()), "encrypted tokens");
        assertFalse(VerifiedTokenCache.reusable(OidcTenantConfig.builder().tenantId("introspected")
                .token().requireJwtIntrospectionOnly(true).end().build()), "every JWT introspected");
    }

    private static VerifiedTokenCache cache(boolean enabled) {
        TokenCacheConfig config = new TokenCacheConfig() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public int maxSize() {
                return 10;
            }

            @Override
            public Duration maxAge() {
                return Duration.ofMinutes(2);
            }
        };
        return new VerifiedTokenCache(config, System::currentTimeMillis);
    }
}
