package dev.realtime.chat.api;

import dev.realtime.chat.api.ChatDtos.AddParticipant;
import dev.realtime.chat.api.ChatDtos.ChangeRole;
import dev.realtime.chat.api.ChatDtos.Conversation;
import dev.realtime.chat.api.ChatDtos.ConversationPage;
import dev.realtime.chat.api.ChatDtos.CreateConversation;
import dev.realtime.chat.api.ChatDtos.Rename;
import dev.realtime.chat.domain.Caller;
import dev.realtime.chat.domain.ConversationService;
import dev.realtime.chat.messaging.ChatIntegrationMapper;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.memberships.Roles;
import dev.realtime.eventstore.relay.IntegrationEvents;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.servicekit.caller.CurrentCaller;
import dev.realtime.servicekit.problem.InvalidRequestException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Conversations and their participants; the resume source of the edge. Reference: docs/chat-api.md. */
@Path("/api/conversations")
@Authenticated
@Tag(name = "conversations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ConversationResource {
    static final int MAX_PAGE = 200;

    @Inject
    CurrentCaller caller;

    @Inject
    ConversationService conversations;

    @Inject
    ChatViews views;

    @Inject
    EventStore store;

    @Inject
    ChatIntegrationMapper integration;

    @POST
    @Operation(summary = "Create a conversation (the caller owns it), or open the direct conversation with one user")
    public Uni<Response> create(@Valid @NotNull CreateConversation request,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        boolean direct = Boolean.TRUE.equals(request.direct());
        return conversations.create(caller.as(Caller::new), request.title(), request.participants(), request.projectId(),
                        direct, idempotencyKey)
                .chain(created -> view(created.conversationId()).map(view -> created.existing()
                        ? Response.ok(view).build()
                        : Response.created(URI.create("/api/conversations/" + view.id())).entity(view).build()));
    }

    @GET
    @Operation(summary = "My conversations, most recent activity first, with the last message and my unread count")
    public Uni<ConversationPage> list(@QueryParam("archived") @DefaultValue("false") boolean archived,
            @QueryParam("before") String before,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(MAX_PAGE) int limit) {
        return views.myConversations(caller.id(), archived, cursor(before), limit);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A conversation the caller participates in")
    public Uni<Conversation> get(@PathParam("id") String id) {
        return view(id);
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Rename (owner or admin)")
    public Uni<Conversation> rename(@PathParam("id") String id, @Valid @NotNull Rename request) {
        return conversations.rename(caller.as(Caller::new), id, request.title()).chain(outcome -> view(id));
    }

    @POST
    @Path("/{id}/archive")
    @Operation(summary = "Archive (owner or admin): read-only from then on")
    public Uni<Conversation> archive(@PathParam("id") String id) {
        return conversations.archive(caller.as(Caller::new), id).chain(outcome -> view(id));
    }

    @POST
    @Path("/{id}/participants")
    @Operation(summary = "Add a participant (owner or admin; only the owner adds admins)")
    public Uni<Conversation> add(@PathParam("id") String id, @Valid @NotNull AddParticipant request) {
        String role = request.role() == null ? Roles.MEMBER : request.role();
        return conversations.addParticipant(caller.as(Caller::new), id, request.userId(), role)
                .chain(outcome -> view(id));
    }

    @PUT
    @Path("/{id}/participants/{userId}/role")
    @Operation(summary = "Change a participant's role (owner only); making someone the owner hands the ownership over")
    public Uni<Conversation> changeRole(@PathParam("id") String id, @PathParam("userId") String userId,
            @Valid @NotNull ChangeRole request) {
        return conversations.changeRole(caller.as(Caller::new), id, userId, request.role()).chain(outcome -> view(id));
    }

    @DELETE
    @Path("/{id}/participants/{userId}")
    @Operation(summary = "Remove a participant (owner or admin), or leave when it is the caller")
    public Uni<Response> remove(@PathParam("id") String id, @PathParam("userId") String userId) {
        return conversations.removeParticipant(caller.as(Caller::new), id, userId)
                .map(outcome -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/leave")
    @Operation(summary = "Leave the conversation")
    public Uni<Response> leave(@PathParam("id") String id) {
        return remove(id, caller.id());
    }

    @GET
    @Path("/{id}/events")
    @Operation(summary = "The conversation's events after a seq, oldest first: the resume source of the edge")
    public Uni<RoomEventPage> events(@PathParam("id") String id, @QueryParam("after") @DefaultValue("0") @Min(0) long after,
            @QueryParam("limit") @DefaultValue("500") @Min(1) @Max(EventStore.MAX_PAGE) int limit,
            @HeaderParam(RoomEventPage.ON_BEHALF_OF) String onBehalfOf) {
        String user = caller.historyReader(onBehalfOf);
        return Panache.withSession(() -> conversations.participantOrNotFound(id, user)
                .chain(context -> store.readStream(context.conversation().idAsRoom(), after, limit)
                        .map(events -> IntegrationEvents.page(events, after, context.conversation().version,
                                integration::toIntegrationEvent))));
    }

    private Uni<Conversation> view(String id) {
        String user = caller.id();
        return Panache.withSession(() -> conversations.participantOrNotFound(id, user).chain(views::conversation));
    }

    private static Instant cursor(String before) {
        if (before == null) {
            return Instant.parse("9999-12-31T00:00:00Z");
        }
        try {
            return Instant.parse(before);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("before", "must be an ISO-8601 instant");
        }
    }
}
