package dev.realtime.notification.api;

import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.notification.domain.NotFoundException;
import dev.realtime.notification.store.LastSeenStore;
import dev.realtime.notification.store.LastSeenStore.UserPresence;
import dev.realtime.servicekit.caller.CurrentCaller;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A user's presence and "last seen" (docs/notification-api.md): for the user themself and for services (role
 * {@code service}); to anyone else the user does not exist (404), so the API cannot be used to watch other users.
 */
@Path("/api/users/{user}/presence")
@Authenticated
@Tag(name = "presence")
@Produces(MediaType.APPLICATION_JSON)
public class UserPresenceResource {
    static final String SERVICE_ROLE = "service";

    @Inject
    CurrentCaller caller;

    @Inject
    SecurityIdentity identity;

    @Inject
    LastSeenStore lastSeen;

    @GET
    @Operation(summary = "Whether the user is online now (any edge instance) and when they were last seen")
    public Uni<UserPresence> presence(@PathParam("user") String user) {
        try {
            Room.user(user);
        } catch (InvalidRoomException e) {
            throw new NotFoundException("No such user.");
        }
        if (!user.equals(caller.id()) && !identity.hasRole(SERVICE_ROLE)) {
            throw new NotFoundException("No such user.");
        }
        return lastSeen.find(user);
    }
}
