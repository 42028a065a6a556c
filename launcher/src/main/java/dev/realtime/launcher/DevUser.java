package dev.realtime.launcher;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An identity known to the {@link DevOidcIssuer}: its name and roles go into the tokens of whoever signs in with that
 * user name. The issuer checks no password (the user name works here and on Keycloak's realm alike), which is exactly
 * why it is for local development only.
 */
public record DevUser(String username, String displayName, String email, List<String> roles) {

    public DevUser {
        roles = List.copyOf(roles);
    }

    /** The demo users' e-mail domain: {@code <username>@example.test}. */
    public static final String EMAIL_DOMAIN = "example.test";

    public static final DevUser ALICE = new DevUser("alice", "Alice Liddell", "alice@" + EMAIL_DOMAIN,
            List.of("user", "admin"));
    public static final DevUser BOB = new DevUser("bob", "Bob Cratchit", "bob@" + EMAIL_DOMAIN, List.of("user"));
    public static final DevUser CAROL = new DevUser("carol", "Carol Danvers", "carol@" + EMAIL_DOMAIN,
            List.of("user", "support"));
    public static final DevUser DAVE = new DevUser("dave", "Dave Bowman", "dave@" + EMAIL_DOMAIN, List.of("user"));

    /**
     * The identity of {@code client_credentials} tokens for {@code client_id=service}: other services' calls, and the
     * operators' endpoints of the domain services (e.g. re-publishing memberships) on this development machine.
     */
    public static final DevUser SERVICE = new DevUser("service", "Service account", null,
            List.of("service", "operator"));

    /**
     * The identity of {@code client_credentials} tokens for {@code client_id=realtime-edge}: the edge's reads of a
     * room's history on a member's behalf, and nothing else.
     */
    public static final DevUser EDGE = new DevUser("realtime-edge", "realtime-edge", null, List.of("history-reader"));

    public static final Map<String, DevUser> DEMO_USERS = Stream.of(ALICE, BOB, CAROL, DAVE)
            .collect(Collectors.toUnmodifiableMap(DevUser::username, Function.identity()));

    public static Optional<DevUser> demoUser(String username) {
        return Optional.ofNullable(DEMO_USERS.get(username));
    }
}
