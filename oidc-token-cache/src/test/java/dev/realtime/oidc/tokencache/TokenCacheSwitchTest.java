package dev.realtime.oidc.tokencache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the cache turns itself off: on request, and when tokens are bound to per-request proofs. */
class TokenCacheSwitchTest {
    @Test
    void onByDefault() {
        assertTrue(cache(true, Map.of("quarkus.oidc.token.authorization-scheme", "Bearer")).enabled());
    }

    @Test
    void offWhenSwitchedOff() {
        assertFalse(cache(false, Map.of()).enabled());
    }

    @Test
    void offWhenTokensAreBoundToAClientCertificate() {
        assertFalse(cache(true, Map.of("quarkus.oidc.token.binding.certificate", "true")).enabled());
        assertTrue(cache(true, Map.of("quarkus.oidc.token.binding.certificate", "false")).enabled());
    }

    @Test
    void offWhenAnyTenantUsesDpop() {
        assertFalse(cache(true, Map.of("quarkus.oidc.partner.token.authorization-scheme", "DPoP")).enabled());
    }

    private static VerifiedTokenCache cache(boolean enabled, Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        TokenCacheConfig cacheConfig = new TokenCacheConfig() {
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
        return new VerifiedTokenCache(cacheConfig, config, System::currentTimeMillis);
    }
}
