package dev.realtime.chat.api;

import dev.realtime.chat.api.ChatDtos.EditMessage;
import dev.realtime.chat.api.ChatDtos.MarkRead;
import dev.realtime.chat.api.ChatDtos.Message;
import dev.realtime.chat.api.ChatDtos.MessagePage;
import dev.realtime.chat.api.ChatDtos.PostMessage;
import dev.realtime.chat.api.ChatDtos.ReadState;
import dev.realtime.chat.domain.Caller;
import dev.realtime.chat.domain.ConversationService;
import dev.realtime.chat.domain.Emoji;
import dev.realtime.chat.store.MessageEntity;
import dev.realtime.chat.store.ParticipantEntity;
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
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Messages of a conversation: post, edit, delete, reactions, read receipts, history. */
@Path("/api/conversations/{id}")
@Authenticated
@Tag(name = "messages")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MessageResource {
    @Inject
    CurrentCaller caller;

    @Inject
    ConversationService conversations;

    @Inject
    ChatViews views;

    @POST
    @Path("/messages")
    @Operation(summary = "Post a message; a retry with the same clientMessageId returns the first message (200)")
    public Uni<Response> post(@PathParam("id") String id, @Valid @NotNull PostMessage request) {
        return conversations.post(caller.as(Caller::new), id, request.text(), request.replyTo(),
                        request.clientMessageId())
                .chain(posted -> posted.result().duplicate()
                        ? messageAt(id, posted.result().lastVersion()).map(message -> Response.ok(message).build())
                        // A new message is exactly what was appended: no need to read it back.
                        : Uni.createFrom().item(Response.status(Response.Status.CREATED)
                                .entity(ChatViews.posted(id, posted.result().lastVersion(), posted.message())).build()));
    }

    @GET
    @Path("/messages")
    @Operation(summary = "History: newest first before a seq (default), or oldest first after a seq")
    public Uni<MessagePage> history(@PathParam("id") String id, @QueryParam("before") @Min(1) Long before,
            @QueryParam("after") @Min(0) Long after,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(ConversationResource.MAX_PAGE) int limit) {
        if (before != null && after != null) {
            throw new InvalidRequestException("after", "give one cursor, before or after, not both");
        }
        String user = caller.id();
        boolean forward = after != null;
        return Panache.withSession(() -> conversations.participantOrNotFound(id, user)
                .chain(context -> (forward
                        ? MessageEntity.<MessageEntity>find("conversationId = ?1 and seq > ?2 order by seq", id, after)
                        : MessageEntity.<MessageEntity>find("conversationId = ?1 and seq < ?2 order by seq desc", id,
                                before == null ? Long.MAX_VALUE : before))
                        .range(0, limit - 1).list())
                .chain(rows -> views.messages(rows, user)
                        .map(items -> new MessagePage(items, rows.size() == limit ? rows.get(rows.size() - 1).seq : null))));
    }

    @GET
    @Path("/messages/{messageId}")
    @Operation(summary = "One message")
    public Uni<Message> get(@PathParam("id") String id, @PathParam("messageId") String messageId) {
        String user = caller.id();
        return Panache.withSession(() -> conversations.participantOrNotFound(id, user)
                .chain(context -> conversations.messageOrNotFound(id, messageId))
                .chain(row -> views.message(row, user)));
    }

    @PATCH
    @Path("/messages/{messageId}")
    @Operation(summary = "Edit my message")
    public Uni<Message> edit(@PathParam("id") String id, @PathParam("messageId") String messageId,
            @Valid @NotNull EditMessage request) {
        return conversations.edit(caller.as(Caller::new), id, messageId, request.text())
                .chain(outcome -> get(id, messageId));
    }

    @DELETE
    @Path("/messages/{messageId}")
    @Operation(summary = "Delete a message (author, owner or admin); it stays in history as a tombstone")
    public Uni<Response> delete(@PathParam("id") String id, @PathParam("messageId") String messageId) {
        return conversations.delete(caller.as(Caller::new), id, messageId).map(outcome -> Response.noContent().build());
    }

    @PUT
    @Path("/messages/{messageId}/reactions/{emoji}")
    @Operation(summary = "Add my reaction (a shortcode like :thumbsup: or one emoji); adding it twice changes nothing")
    public Uni<Message> react(@PathParam("id") String id, @PathParam("messageId") String messageId,
            @PathParam("emoji") String emoji) {
        return reaction(id, messageId, emoji, true);
    }

    @DELETE
    @Path("/messages/{messageId}/reactions/{emoji}")
    @Operation(summary = "Remove my reaction")
    public Uni<Message> unreact(@PathParam("id") String id, @PathParam("messageId") String messageId,
            @PathParam("emoji") String emoji) {
        return reaction(id, messageId, emoji, false);
    }

    @POST
    @Path("/read")
    @Operation(summary = "Mark everything up to a message as read")
    public Uni<ReadState> read(@PathParam("id") String id, @Valid @NotNull MarkRead request) {
        String user = caller.id();
        return conversations.markRead(caller.as(Caller::new), id, request.messageId())
                .chain(outcome -> Panache.withSession(() -> ParticipantEntity
                        .<ParticipantEntity>findById(new ParticipantEntity.Key(id, user))
                        .chain(me -> views.unread(id, user, me.lastReadSeq).map(unread -> new ReadState(me.lastReadSeq,
                                unread)))));
    }

    private Uni<Message> reaction(String id, String messageId, String emoji, boolean add) {
        if (!Emoji.isValid(emoji)) {
            throw new InvalidRequestException("emoji", "must be " + Emoji.RULE);
        }
        return conversations.react(caller.as(Caller::new), id, messageId, emoji, add)
                .chain(outcome -> get(id, messageId));
    }

    private Uni<Message> messageAt(String id, long seq) {
        String user = caller.id();
        return Panache.withSession(() -> MessageEntity.<MessageEntity>find("conversationId = ?1 and seq = ?2", id, seq)
                .firstResult().chain(row -> views.message(row, user)));
    }

}
