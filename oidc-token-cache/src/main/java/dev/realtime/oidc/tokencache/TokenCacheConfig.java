package dev.realtime.oidc.tokencache;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The verified-token cache. A bearer token that quarkus-oidc has verified is served from memory until the earlier of
 * its {@code exp} and {@code max-age} after the verification. For up to {@code max-age} longer than quarkus-oidc alone
 * (which keeps the JWKS it fetched until its own refresh), a signing key withdrawn from the provider still admits
 * the tokens it signed, and a token OIDC would introspect because its key is unknown is not introspected again.
 */
@ConfigMapping(prefix = "realtime.oidc.token-cache")
public interface TokenCacheConfig {

    /** Keep the identities of verified bearer tokens; false: every request's token is verified again. */
    @WithDefault("true")
    boolean enabled();

    /** Distinct tokens kept; beyond it the least used are dropped and verified again on their next request. */
    @WithDefault("10000")
    int maxSize();

    /**
     * The longest a verification is trusted, whatever the token's own lifetime: bounds how long a signing key
     * withdrawn from the provider still admits the tokens it signed.
     */
    @WithDefault("2m")
    Duration maxAge();
}
