package dev.realtime.servicekit.caller;

import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.servicekit.problem.InvalidParameterException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller of the current request: the token's sub, a display name from {@code name} or the user name, the rooms
 * of broadcasts it receives, and its {@code email} claim if any. A service builds its own domain caller from it
 * ({@code caller.as(Caller::new)}).
 */
@RequestScoped
public class CurrentCaller {
    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    public String id() {
        return identity.getPrincipal().getName();
    }

    public boolean isAnonymous() {
        return identity.isAnonymous();
    }

    /**
     * The member a read of a room's events is for, on the owners' events endpoints: the caller, or the member named
     * in {@code onBehalfOf} (the {@link RoomEventPage#ON_BEHALF_OF} header) by a caller holding
     * {@link RoomEventPage#READER_ROLE}. The endpoint then checks that member's membership as for the member's own
     * token. There the header from any other caller is refused (403), never ignored: a client that sends it expects
     * it to count. A name that cannot be a user id (the grammar every token's {@code sub} passes) is a 400.
     */
    public String historyReader(String onBehalfOf) {
        if (onBehalfOf == null) {
            return id();
        }
        if (!identity.hasRole(RoomEventPage.READER_ROLE)) {
            throw new ForbiddenException("Only a history reader may read on a member's behalf.");
        }
        try {
            Room.user(onBehalfOf);
        } catch (InvalidRoomException e) {
            throw new InvalidParameterException(RoomEventPage.ON_BEHALF_OF, "not a user id: " + e.getMessage());
        }
        return onBehalfOf;
    }

    /** The {@code name} claim: the display name the identity provider gives the caller, if any. */
    public String nameClaim() {
        return identity.isAnonymous() ? null : stringClaim("name");
    }

    /** The {@code name} claim, else {@code preferred_username}, else the id. */
    public String displayName() {
        String name = stringClaim("name");
        if (name == null) {
            name = stringClaim("preferred_username");
        }
        return name == null ? id() : name;
    }

    /** The service's own caller, made of {@link #id()} and {@link #displayName()}. */
    public <C> C as(BiFunction<String, String, C> caller) {
        return caller.apply(id(), displayName());
    }

    /** The rooms of broadcasts this caller receives: {@code all} and {@code role:<name>} per token role. */
    public List<String> broadcastRooms() {
        List<String> rooms = new ArrayList<>();
        rooms.add(Room.ALL.name());
        Room.roleRooms(identity.getRoles()).forEach(room -> rooms.add(room.name()));
        return rooms;
    }

    public String email() {
        Object email = token.getClaim("email");
        return email == null ? null : email.toString();
    }

    private String stringClaim(String claimName) {
        Object value = OidcClaims.claim(identity, token, claimName);
        return value instanceof String text ? text : null;
    }
}
