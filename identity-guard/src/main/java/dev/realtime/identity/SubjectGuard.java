package dev.realtime.identity;

import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.Principal;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Refuses, as a failed authentication (401), an identity whose {@code sub} the room grammar refuses as a user id
 * ({@link Room#user}, the one place the grammar is checked), or that has no {@code sub} at all. The services key
 * everything by {@code sub} (streams, memberships, the room {@code user:<sub>}): an identity that cannot be named as
 * a room would otherwise store events the relay cannot map, or fail later with a 500.
 *
 * <p>An augmentor runs on every authentication, so the check covers every path that authenticates a token: each
 * REST request (also when oidc-token-cache serves the identity from memory), the WebSocket upgrade and the edge's
 * in-band token refresh.
 */
@ApplicationScoped
public class SubjectGuard extends RequestAwareAugmentor {
    private static final Logger LOG = Logger.getLogger(SubjectGuard.class);
    private static final int LOGGED_SUBJECT_LENGTH = 64;

    @Override
    public int priority() {
        // Right after oidc-token-cache's recorder (Integer.MAX_VALUE), before any augmentor that would work with the
        // user id; never the recorder's own priority.
        return Integer.MAX_VALUE - 1;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context,
            Map<String, Object> requestAttributes) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        String subject = subjectOf(identity.getPrincipal());
        String problem = problemWith(subject);
        if (problem == null) {
            return Uni.createFrom().item(identity);
        }
        // One line per refused request, without the token; the sub is cut and made printable, as it is client input.
        LOG.warnf("Refused a token %s: %s", LogSafe.where(requestAttributes), subject == null ? "without sub"
                : "with sub '" + LogSafe.printable(subject, LOGGED_SUBJECT_LENGTH) + "' (" + subject.length() + " characters), " + problem);
        return Uni.createFrom().failure(new InvalidIdentityException(subject == null
                ? "The token has no sub claim; a user id is required."
                : "The token's sub cannot be a user id: " + problem + "."));
    }

    /** The user id the services take: the JWT's {@code sub} (not the principal name, which may fall back to others). */
    private static String subjectOf(Principal principal) {
        return principal instanceof JsonWebToken jwt ? jwt.getSubject() : principal.getName();
    }

    /** Null when {@code subject} is a valid user id, else the contract's reason. */
    private static String problemWith(String subject) {
        if (subject == null) {
            return "missing";
        }
        try {
            Room.user(subject);
            return null;
        } catch (InvalidRoomException e) {
            return e.getMessage();
        }
    }
}
