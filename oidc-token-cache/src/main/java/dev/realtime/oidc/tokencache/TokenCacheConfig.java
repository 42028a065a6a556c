package dev.realtime.oidc.tokencache;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The verified-token cache. A bearer token that quarkus-oidc has verified is served from memory until the earlier of
 * its {@code exp} and {@code max-age} after the verification. Within that window a signing key withdrawn from the
 * provider's JWKS still admits the tokens it signed, so {@code max-age} bounds how long a key rotation takes to bite.
 */
@ConfigMapping(prefix = "realtime.oidc.token-cache")
public interface TokenCacheConfig {

    @WithDefault("true")
    boolean enabled();

    /** Distinct tokens kept; beyond it the least used are dropped and verified again on their next request. */
    @WithDefault("10000")
    int maxSize();

    @WithDefault("2m")
    Duration maxAge();
}
