package dev.realtime.edge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.presence.PresenceService;
import dev.realtime.edge.presence.SignalBus;
import dev.realtime.edge.protocol.LiveEventNames;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The server API for services that do not speak Kafka (docs/realtime-protocol.md, "Server API"): publish an event
 * to a room, disconnect a user, read a room's occupancy (on this instance). Callers need the role {@code service}.
 *
 * <p>Publishing goes through {@code records.events} like any other producer's events, so every edge instance
 * delivers it, not just the one the call landed on.
 */
@Path("/api/v1")
@ApplicationScoped
@RolesAllowed("service")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceApi {
    private static final Logger LOG = Logger.getLogger(ServiceApi.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    @Inject
    RecordsPublisher publisher;
    @Inject
    RoomRegistry rooms;
    @Inject
    PresenceService presence;
    @Inject
    SignalBus signals;
    @Inject
    SecurityIdentity caller;

    /**
     * Body: {@code {"type": "<CloudEvents type>", "data": {...}, "id": "<optional event id>", "actor": "<optional
     * user id>"}}. The same id from the same caller is delivered once (see {@code Fanout}).
     */
    @POST
    @Path("/rooms/{room}/events")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response publish(@PathParam("room") String roomName, String text) {
        // Parsed here rather than by the framework, whose parse errors arrive as a bare 400 without the reason.
        JsonNode body;
        try {
            body = Json.mapper().readTree(text == null ? "" : text);
        } catch (JsonProcessingException e) {
            return Problems.response(400, "malformed-json", "Malformed request body", "the body is not valid JSON");
        }
        Room room;
        try {
            room = Room.parse(roomName);
        } catch (InvalidRoomException e) {
            return Problems.invalid("room: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            return Problems.invalid("the body must be a JSON object");
        }
        JsonNode type = body.get("type");
        if (type == null || !type.isTextual() || type.asText().isBlank() || type.asText().length() > 200) {
            return Problems.invalid("type: must be a CloudEvents type of at most 200 characters");
        }
        if (LiveEventNames.of(type.asText()).isEmpty()) {
            return Problems.invalid("type: " + type.asText() + " is not delivered to clients");
        }
        JsonNode data = body.get("data");
        if (data == null || !data.isObject()) {
            return Problems.invalid("data: must be a JSON object");
        }
        JsonNode id = body.get("id");
        if (id != null && (!id.isTextual() || id.asText().isBlank() || id.asText().length() > 128)) {
            return Problems.invalid("id: must be a string of 1 to 128 characters");
        }
        JsonNode actor = body.get("actor");
        String actorId = null;
        if (actor != null && !actor.isNull()) {
            if (!actor.isTextual()) {
                return Problems.invalid("actor: must be a user id");
            }
            try {
                actorId = Room.user(actor.asText()).id();
            } catch (InvalidRoomException e) {
                return Problems.invalid("actor: " + e.getMessage());
            }
        }
        String eventId = id == null ? UUID.randomUUID().toString() : id.asText();
        IntegrationEvent event = new IntegrationEvent(eventId, URI.create("/realtime-edge/api/" + callerName()),
                type.asText(), OffsetDateTime.now(), room, null, actorId, Json.write(data));
        try {
            publisher.publish(CloudEventCodec.toRecord(Topics.RECORDS_EVENTS, event))
                    .get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Publishing to %s for the server API failed: %s", Topics.RECORDS_EVENTS, e.toString());
            return unavailable();
        }
        return Response.accepted(Map.of("eventId", eventId, "room", room.name())).build();
    }

    /**
     * Closes the user's connections on every edge instance with 4003. Goes through realtime.signals, so the answer
     * means "requested"; the closes follow within the signal's round trip.
     */
    @POST
    @Path("/users/{user}/disconnect")
    public Response disconnect(@PathParam("user") String user) {
        try {
            Room.user(user);
        } catch (InvalidRoomException e) {
            return Problems.invalid("user: " + e.getMessage());
        }
        LOG.infof("Service %s asked to disconnect user %s", callerName(), user);
        signals.publishDisconnect(user);
        return Response.accepted(Map.of("user", user)).build();
    }

    /** Who is in a room on this instance, and, for rooms with presence, which members are online anywhere. */
    @GET
    @Path("/rooms/{room}/occupancy")
    public Response occupancy(@PathParam("room") String roomName) {
        Room room;
        try {
            room = Room.parse(roomName);
        } catch (InvalidRoomException e) {
            return Problems.invalid("room: " + e.getMessage());
        }
        Set<Session> sessions = rooms.subscribersOf(room);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("room", room.name());
        body.put("connections", sessions.size());
        body.put("users", sessions.stream().map(Session::user).collect(Collectors.toCollection(TreeSet::new)));
        if (PresenceService.hasPresence(room)) {
            body.put("online", presence.onlineMembers(room));
        }
        return Response.ok(body).build();
    }

    private String callerName() {
        String name = caller.getPrincipal().getName();
        return name == null ? "unknown" : name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static Response unavailable() {
        return Problems.response(503, "unavailable", "Service unavailable", "the event could not be published");
    }
}
