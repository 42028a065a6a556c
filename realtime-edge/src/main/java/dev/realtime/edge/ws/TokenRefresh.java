package dev.realtime.edge.ws;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Verifies the token of an in-band {@code refresh} as the upgrade's was: quarkus-oidc's default tenant checks it
 * (signature, issuer, audience, expiry) and every {@code SecurityIdentityAugmentor} runs on the identity
 * (identity-guard's subject and access-token checks among them), because the request goes through Quarkus's
 * {@link IdentityProviderManager}. There is no HTTP request to authenticate here, so the token comes as a request
 * type of its own, which only {@link Provider} answers.
 */
@ApplicationScoped
public class TokenRefresh {
    @Inject
    IdentityProviderManager identities;

    /** The verified identity, or a failure when the token is not good for this service. */
    public Uni<SecurityIdentity> verify(String token) {
        return identities.authenticate(new Request(new AccessTokenCredential(token)));
    }

    /** A bearer token sent in band, on a connection already authenticated. */
    static final class Request extends BaseAuthenticationRequest {
        private final AccessTokenCredential token;

        Request(AccessTokenCredential token) {
            this.token = token;
        }
    }

    @ApplicationScoped
    static class Provider implements IdentityProvider<Request> {
        @Inject
        TenantIdentityProvider oidc;

        @Override
        public Class<Request> getRequestType() {
            return Request.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(Request request, AuthenticationRequestContext context) {
            return oidc.authenticate(request.token);
        }
    }
}
