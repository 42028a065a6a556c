package dev.realtime.edge.resume;

import dev.realtime.edge.config.EdgeConfig;
import io.quarkus.arc.Unremovable;
import io.quarkus.oidc.common.OidcEndpoint;
import io.quarkus.oidc.common.OidcRequestFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Fails a token request of the edge ({@link OwnerCredentials}) when the issuer sends nothing for
 * {@code realtime.resume.fetch-timeout} (Vert.x's request timeout is an idle timeout), like its reads of the owners.
 * quarkus-oidc-client sets only a connect timeout, and every caller shares one pending token request until it ends:
 * an issuer that accepts the connection and never answers would otherwise hold every resume beyond the window, for
 * good. Failed, the shared request is dropped and the next resume asks again; each resume's own wait is bounded in
 * {@link OwnerHistory} ({@code SilentIssuerTest}).
 */
@ApplicationScoped
@Unremovable
@OidcEndpoint(OidcEndpoint.Type.TOKEN)
public class TokenRequestTimeout implements OidcRequestFilter {
    private final long timeoutMillis;

    @Inject
    public TokenRequestTimeout(EdgeConfig config) {
        this.timeoutMillis = config.resume().fetchTimeout().toMillis();
    }

    @Override
    public void filter(OidcRequestContext context) {
        context.request().timeout(timeoutMillis);
    }
}
