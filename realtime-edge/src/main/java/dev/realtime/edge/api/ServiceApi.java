package dev.realtime.edge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.live.LiveEventNames;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.records.NotificationRequested;
import dev.realtime.contracts.records.RecordEventTypes;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.presence.LastSeenClient;
import dev.realtime.edge.presence.PresenceService;
import dev.realtime.edge.presence.SignalBus;
import dev.realtime.edge.presence.UserPresence;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import dev.realtime.servicekit.problem.Problems;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * The server API for services that do not speak Kafka (docs/realtime-protocol.md, "Server API"): publish an event
 * to a room, request notifications, disconnect a user, read a room's occupancy (on this instance) and a user's
 * presence (cluster-wide). Callers need the role {@code service}.
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
    @Inject
    LastSeenClient lastSeenClient;

    /**
     * Body: {@code {"type": "<CloudEvents type>", "data": {...}, "id": "<optional event id>", "actor": "<optional
     * user id>"}}. The same id from the same caller is delivered once (see {@code Fanout}).
     */
    @POST
    @Path("/rooms/{room}/events")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response publish(@PathParam("room") String roomName, String text) {
        JsonNode body;
        try {
            body = parse(text);
        } catch (JsonProcessingException e) {
            return malformed();
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
        IntegrationEvent event = new IntegrationEvent(eventId, source(), type.asText(), OffsetDateTime.now(), room,
                null, actorId, Json.write(data));
        if (!published(event)) {
            return unavailable();
        }
        return Response.accepted(Map.of("eventId", eventId, "room", room.name())).build();
    }

    /**
     * Asks notification-service for notifications, as a Kafka producer does with a
     * {@code records.notification.requested.v1} on {@code records.events}. Body: a {@code NotificationRequested}
     * (docs/contracts.md), refused here by the rules notification-service applies, so that a bad request is a 400 to
     * its caller instead of a record skipped out of sight. The same {@code requestId} from the same caller makes
     * notifications once.
     */
    @POST
    @Path("/notifications")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response requestNotifications(String text) {
        NotificationRequested request;
        try {
            JsonNode body = parse(text);
            if (body == null || !body.isObject()) {
                return Problems.invalid("the body must be a JSON object");
            }
            request = Json.mapper().treeToValue(body, NotificationRequested.class).validate();
        } catch (JsonMappingException e) {
            // Jackson's own message names Java types; the caller needs the field.
            return Problems.invalid(fieldPath(e) + ": wrong JSON type");
        } catch (JsonProcessingException e) {
            return malformed();
        } catch (InvalidEventException e) {
            return Problems.invalid(e.getMessage());
        }
        Audience audience = request.audience();
        // The record's key and ce_room: the audience's first room, as the Kafka producers of the docs do.
        Room room = audience.all() ? Room.ALL : audience.rooms().get(0);
        String eventId = UUID.randomUUID().toString();
        IntegrationEvent event = new IntegrationEvent(eventId, source(),
                RecordEventTypes.NOTIFICATION_REQUESTED.ceType(), OffsetDateTime.now(), room, null, request.actorId(),
                Json.write(request));
        if (!published(event)) {
            return unavailable();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("eventId", eventId);
        answer.put("requestId", request.requestId() != null ? request.requestId() : eventId);
        return Response.accepted(answer).build();
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

    /**
     * Whether a user is online on any edge instance, with how many connections on how many instances, as the
     * instance that answers knows it from the presence announcements (at most one heartbeat behind the cluster).
     */
    @GET
    @Path("/users/{user}/presence")
    public Uni<Response> presence(@PathParam("user") String user) {
        try {
            Room.user(user);
        } catch (InvalidRoomException e) {
            return Uni.createFrom().item(Problems.invalid("user: " + e.getMessage()));
        }
        UserPresence live = presence.presenceOf(user);
        String token = caller.getPrincipal() instanceof JsonWebToken jwt ? jwt.getRawToken() : null;
        Uni<Optional<JsonNode>> lastSeen = token == null ? Uni.createFrom().item(Optional.empty())
                : lastSeenClient.lastSeen(user, token);
        return lastSeen.map(known -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("user", user);
            body.put("online", live.online());
            body.put("connections", live.connections());
            body.put("instances", live.instances());
            body.put("localConnections", live.localConnections());
            // From notification-service; when it does not answer, the live part still does.
            body.put("lastSeenAvailable", known.isPresent());
            for (String field : List.of("lastSeenAt", "lastConnectedAt", "lastDisconnectedAt", "lastCloseCode")) {
                JsonNode value = known.map(node -> node.get(field)).orElse(null);
                body.put(field, value == null || value.isNull() ? null : value);
            }
            return Response.ok(body).build();
        });
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

    /** Parsed here rather than by the framework, whose parse errors arrive as a bare 400 without the reason. */
    private static JsonNode parse(String text) throws JsonProcessingException {
        return Json.mapper().readTree(text == null ? "" : text);
    }

    private static String fieldPath(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                        : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "body" : path;
    }

    /** The event's source names the calling service: the scope of its ids (repeats, request ids). */
    private URI source() {
        return URI.create("/realtime-edge/api/" + callerName());
    }

    private boolean published(IntegrationEvent event) {
        try {
            publisher.publish(CloudEventCodec.toRecord(Topics.RECORDS_EVENTS, event))
                    .get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("Publishing to %s for the server API failed: %s", Topics.RECORDS_EVENTS, e.toString());
            return false;
        }
    }

    private static Response malformed() {
        return Problems.response(400, "malformed-json", "Malformed request body", "the body is not valid JSON");
    }

    private String callerName() {
        String name = caller.getPrincipal().getName();
        return name == null ? "unknown" : name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static Response unavailable() {
        return Problems.response(503, "unavailable", "Service unavailable", "the event could not be published");
    }
}
