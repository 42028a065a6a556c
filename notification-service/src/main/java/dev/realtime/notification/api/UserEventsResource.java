package dev.realtime.notification.api;

import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.eventstore.relay.IntegrationEvents;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.notification.domain.InboxService;
import dev.realtime.notification.domain.NotFoundException;
import dev.realtime.notification.messaging.NotificationIntegrationMapper;
import dev.realtime.servicekit.caller.CurrentCaller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The resume source of the edge for the room {@code user:<sub>}: only that user may read it. */
@Path("/api/users/{sub}/events")
@Authenticated
@Tag(name = "resume")
@Produces(MediaType.APPLICATION_JSON)
public class UserEventsResource {

    @Inject
    CurrentCaller caller;

    @Inject
    EventStore store;

    @Inject
    NotificationIntegrationMapper integration;

    @GET
    @Operation(summary = "My inbox stream's events after a seq, oldest first: the resume source of the edge for user:<sub>")
    public Uni<RoomEventPage> events(@PathParam("sub") String sub,
            @QueryParam("after") @DefaultValue("0") @Min(0) long after,
            @QueryParam("limit") @DefaultValue("500") @Min(1) @Max(EventStore.MAX_PAGE) int limit,
            @HeaderParam(RoomEventPage.ON_BEHALF_OF) String onBehalfOf) {
        if (!sub.equals(caller.historyReader(onBehalfOf))) {
            throw new NotFoundException("No such room.");
        }
        String stream = InboxService.stream(sub);
        return store.readStream(stream, after, limit).chain(events -> store.streamVersion(stream).map(version ->
                IntegrationEvents.page(events, after, version, integration::toIntegrationEvent)));
    }
}
