package dev.realtime.edge.ws;

import io.quarkus.security.credential.Credential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.Permission;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Hides the identity's expiry attribute from websockets-next, which would otherwise close an expired connection
 * itself with 1008, the code the edge already uses for an unusable subject. The edge closes expired connections
 * with its own documented code instead (4001, see ops.Sweeper), reading the expiry from the token's {@code exp}.
 */
@ApplicationScoped
public class FrameworkExpiryOff implements SecurityIdentityAugmentor {
    /** io.quarkus.websockets.next.runtime.SecuritySupport.QUARKUS_IDENTITY_EXPIRE_TIME, which is not public API. */
    static final String EXPIRE_TIME = "quarkus.identity.expire-time";

    @Override
    public int priority() {
        // Last, so no other augmentor can put the attribute back.
        return Integer.MIN_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.getAttribute(EXPIRE_TIME) == null) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(new WithoutExpiry(identity));
    }

    private record WithoutExpiry(SecurityIdentity delegate) implements SecurityIdentity {
        @Override
        public Principal getPrincipal() {
            return delegate.getPrincipal();
        }

        @Override
        public boolean isAnonymous() {
            return delegate.isAnonymous();
        }

        @Override
        public Set<String> getRoles() {
            return delegate.getRoles();
        }

        @Override
        public boolean hasRole(String role) {
            return delegate.hasRole(role);
        }

        @Override
        public Set<Permission> getPermissions() {
            return delegate.getPermissions();
        }

        @Override
        public <T extends Credential> T getCredential(Class<T> type) {
            return delegate.getCredential(type);
        }

        @Override
        public Set<Credential> getCredentials() {
            return delegate.getCredentials();
        }

        @Override
        public <T> T getAttribute(String name) {
            return EXPIRE_TIME.equals(name) ? null : delegate.getAttribute(name);
        }

        @Override
        public Map<String, Object> getAttributes() {
            Map<String, Object> attributes = new HashMap<>(delegate.getAttributes());
            attributes.remove(EXPIRE_TIME);
            return attributes;
        }

        @Override
        public Uni<Boolean> checkPermission(Permission permission) {
            return delegate.checkPermission(permission);
        }

        @Override
        public String toString() {
            return "SecurityIdentity[" + delegate.getPrincipal().getName() + "]";
        }
    }
}
