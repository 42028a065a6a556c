package dev.realtime.identity;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Refuses, as a failed authentication (401), a verified token that is not an access token for now:
 * <ul>
 * <li>a {@code typ} claim other than {@code Bearer}: Keycloak (and the local stack's issuer) mark ID tokens
 * {@code ID} and refresh tokens {@code Refresh}; providers that set no {@code typ} claim are not affected, and
 * their ID tokens are refused by the audience check ({@code quarkus.oidc.token.audience}), since an ID token's
 * {@code aud} is the client that asked for it;</li>
 * <li>an {@code iat} more than {@link #CLOCK_SKEW} in the future: quarkus-oidc checks {@code iat} only with
 * {@code quarkus.oidc.token.age} set, and a token "issued" in the future is a forged clock or a broken issuer.</li>
 * </ul>
 * An augmentor runs on every authentication: each REST request (also from oidc-token-cache), the WebSocket upgrade
 * and the edge's in-band refresh.
 */
@ApplicationScoped
public class AccessTokenGuard extends RequestAwareAugmentor {
    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    private static final Logger LOG = Logger.getLogger(AccessTokenGuard.class);
    private static final String ACCESS_TOKEN_TYPE = "Bearer";

    private final Clock clock;

    AccessTokenGuard() {
        this(Clock.systemUTC());
    }

    AccessTokenGuard(Clock clock) {
        this.clock = clock;
    }

    @Override
    public int priority() {
        // Beside SubjectGuard, after oidc-token-cache's recorder (Integer.MAX_VALUE).
        return Integer.MAX_VALUE - 2;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context,
            Map<String, Object> requestAttributes) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        String problem = problemWith(jwt);
        if (problem == null) {
            return Uni.createFrom().item(identity);
        }
        LOG.infof("Refused a token %s: %s", LogSafe.where(requestAttributes), problem);
        return Uni.createFrom().failure(new AuthenticationFailedException(problem));
    }

    /** Null when {@code jwt} is an access token issued by now, else why not (safe to log: no claim values). */
    String problemWith(JsonWebToken jwt) {
        Object type = jwt.getClaim("typ");
        if (type != null && !ACCESS_TOKEN_TYPE.equalsIgnoreCase(unquoted(type))) {
            return "its typ claim says it is not an access token";
        }
        long issuedAt = jwt.getIssuedAtTime();
        if (issuedAt > clock.instant().plus(CLOCK_SKEW).getEpochSecond()) {
            return "its iat is in the future";
        }
        return null;
    }

    /** JSON-P string claims print with quotes. */
    private static String unquoted(Object claim) {
        return claim instanceof jakarta.json.JsonString json ? json.getString() : claim.toString();
    }

}
