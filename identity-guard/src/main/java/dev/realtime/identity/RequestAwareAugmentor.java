package dev.realtime.identity;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import java.util.Map;

/**
 * An augmentor that reads the request it runs for (to name it in its log line): Quarkus calls the overload with the
 * request's attributes; the one without is the interface's required form and runs with none.
 */
abstract class RequestAwareAugmentor implements SecurityIdentityAugmentor {

    @Override
    public final Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        return augment(identity, context, Map.of());
    }

    @Override
    public abstract Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context,
            Map<String, Object> requestAttributes);
}
