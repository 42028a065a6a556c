package dev.realtime.chat.api;

import dev.realtime.chat.api.ChatDtos.Conversation;
import dev.realtime.chat.api.ChatDtos.CreateConversation;
import dev.realtime.chat.api.ChatDtos.Message;
import dev.realtime.chat.api.ChatDtos.MessagePage;
import dev.realtime.chat.api.ChatDtos.Participant;
import dev.realtime.chat.api.ChatDtos.PostMessage;
import dev.realtime.chat.api.ChatDtos.RoomEvent;
import dev.realtime.chat.api.ChatDtos.RoomEventPage;
import dev.realtime.chat.domain.Caller;
import dev.realtime.chat.domain.ConversationService;
import dev.realtime.chat.domain.NotFoundProblem;
import dev.realtime.chat.messaging.ChatIntegrationMapper;
import dev.realtime.chat.store.ConversationEntity;
import dev.realtime.chat.store.MessageEntity;
import dev.realtime.chat.store.ParticipantEntity;
import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.events.Json;
import dev.realtime.eventstore.api.Problems;
import dev.realtime.eventstore.store.EventStore;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

@Path("/api/conversations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ConversationResource {
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 200;

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    @Inject
    ConversationService conversations;

    @Inject
    EventStore store;

    @Inject
    ChatIntegrationMapper integration;

    @POST
    @Operation(summary = "Create a conversation; the caller becomes its owner")
    public Uni<Response> create(@Valid @NotNull CreateConversation request,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return conversations.create(caller(), request.title(), request.participants(), request.projectId(), idempotencyKey)
                .chain(created -> view(created.conversationId()))
                .map(view -> Response.created(URI.create("/api/conversations/" + view.id())).entity(view).build());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A conversation the caller participates in")
    public Uni<Conversation> get(@PathParam("id") String id) {
        return Panache.withSession(() -> conversations.participantOrNotFound(id, caller().id())
                .chain(conversation -> view(conversation.id)));
    }

    @POST
    @Path("/{id}/messages")
    @Operation(summary = "Post a message; a retry with the same clientMessageId returns the first message")
    public Uni<Response> post(@PathParam("id") String id, @Valid @NotNull PostMessage request) {
        return conversations.post(caller(), id, request.text(), request.clientMessageId())
                .map(posted -> Response.status(posted.duplicate() ? Response.Status.OK : Response.Status.CREATED)
                        .entity(message(posted.message()))
                        .build());
    }

    @GET
    @Path("/{id}/messages")
    @Operation(summary = "Messages, newest first, before a seq cursor")
    public Uni<MessagePage> messages(@PathParam("id") String id, @QueryParam("before") @Min(1) Long before,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(MAX_PAGE) int limit) {
        String caller = caller().id();
        long cursor = before == null ? Long.MAX_VALUE : before;
        return Panache.withSession(() -> conversations.participantOrNotFound(id, caller)
                .chain(conversation -> MessageEntity.<MessageEntity>find(
                                "conversationId = ?1 and seq < ?2 order by seq desc", id, cursor)
                        .range(0, limit - 1).list())
                .map(rows -> new MessagePage(rows.stream().map(ConversationResource::message).toList(),
                        rows.size() == limit ? rows.get(rows.size() - 1).seq : null)));
    }

    @GET
    @Path("/{id}/events")
    @Operation(summary = "The conversation's events after a seq, oldest first: the resume source of the edge")
    public Uni<RoomEventPage> events(@PathParam("id") String id, @QueryParam("after") @DefaultValue("0") @Min(0) long after,
            @QueryParam("limit") @DefaultValue("500") @Min(1) @Max(EventStore.MAX_PAGE) int limit) {
        String caller = caller().id();
        return Panache.withSession(() -> conversations.participantOrNotFound(id, caller)
                .chain(conversation -> store.readStream(conversation.idAsRoom(), after, limit)
                        .map(events -> {
                            List<RoomEvent> items = events.stream()
                                    .flatMap(event -> integration.toIntegrationEvent(event).stream())
                                    .map(ConversationResource::roomEvent)
                                    .toList();
                            long last = events.isEmpty() ? after : events.get(events.size() - 1).version;
                            return new RoomEventPage(items, last, last < conversation.version);
                        })));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundProblem e) {
        return Problems.response(Response.Status.NOT_FOUND, "not-found", "Not Found", "No such conversation.");
    }

    private Uni<Conversation> view(String conversationId) {
        return Panache.withSession(() -> ConversationEntity.<ConversationEntity>findById(conversationId)
                .chain(conversation -> ParticipantEntity.<ParticipantEntity>find("key.conversationId = ?1 order by key.userId",
                                conversationId).list()
                        .map(participants -> new Conversation(conversation.id, conversation.title, conversation.createdBy,
                                conversation.projectId, conversation.createdAt, conversation.version,
                                participants.stream().map(p -> new Participant(p.key.userId(), p.role)).toList()))));
    }

    private Caller caller() {
        String id = identity.getPrincipal().getName();
        String name = token.getClaim("name");
        if (name == null) {
            name = token.getClaim("preferred_username");
        }
        return new Caller(id, name == null ? id : name);
    }

    static Message message(MessageEntity row) {
        return new Message(row.id.toString(), row.conversationId, row.seq, row.authorId, row.authorName, row.text,
                row.postedAt);
    }

    static RoomEvent roomEvent(dev.realtime.contracts.events.IntegrationEvent event) {
        try {
            String live = event.type().equals(ChatEventTypes.MESSAGE_NEW.ceType()) ? ChatEventTypes.MESSAGE_NEW.liveName()
                    : event.type().equals(ChatEventTypes.CONVERSATION_CREATED.ceType())
                            ? ChatEventTypes.CONVERSATION_CREATED.liveName() : event.type();
            return new RoomEvent(event.room().name(), live, event.id(), event.seq(), event.time(), event.actor(),
                    Json.mapper().readTree(event.data()));
        } catch (IOException e) {
            throw new IllegalStateException("stored event " + event.id() + " has unreadable data", e);
        }
    }

}
