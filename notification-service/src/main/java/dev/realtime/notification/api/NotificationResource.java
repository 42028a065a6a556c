package dev.realtime.notification.api;

import dev.realtime.notification.config.NotificationConfig;
import dev.realtime.notification.api.NotificationDtos.Notification;
import dev.realtime.notification.api.NotificationDtos.NotificationPage;
import dev.realtime.notification.api.NotificationDtos.ReadResult;
import dev.realtime.notification.api.NotificationDtos.ReadUpTo;
import dev.realtime.notification.api.NotificationDtos.UnreadCount;
import dev.realtime.notification.domain.InboxService;
import dev.realtime.notification.domain.NotFoundException;
import dev.realtime.notification.store.DigestStore;
import dev.realtime.notification.store.InboxQueries;
import dev.realtime.notification.store.PreferenceStore;
import dev.realtime.servicekit.caller.CurrentCaller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's own inbox: list, count, read. Reference: docs/notification-api.md. */
@Path("/api/notifications")
@Authenticated
@Tag(name = "notifications")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class NotificationResource {
    static final int MAX_PAGE = 200;

    @Inject
    CurrentCaller caller;

    @Inject
    InboxService inbox;

    @Inject
    InboxQueries queries;

    @Inject
    PreferenceStore preferences;

    @Inject
    DigestStore digests;

    @Inject
    NotificationConfig config;

    /** The last address stored per user, so a claim is written once, not on every call. */
    private static final Map<String, String> KNOWN_EMAILS = new ConcurrentHashMap<>();

    @GET
    @Operation(summary = "My notifications, newest first; filter=unread for the unread ones only")
    public Uni<NotificationPage> list(
            @QueryParam("filter") @DefaultValue("all") @Pattern(regexp = "all|unread", message = "must be all or unread") String filter,
            @QueryParam("before") @Min(1) Long before,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(MAX_PAGE) int limit) {
        String user = caller.id();
        return refresh(user).chain(() -> queries.page(user, "unread".equals(filter), before == null ? Long.MAX_VALUE : before,
                        limit + 1))
                .chain(rows -> queries.state(user, null).map(state -> {
                    List<Notification> items = rows.stream().limit(limit).map(Notification::of).toList();
                    Long next = rows.size() > limit ? items.get(items.size() - 1).seq() : null;
                    return new NotificationPage(items, state.unreadCount(), next);
                }));
    }

    @GET
    @Path("/unread-count")
    @Operation(summary = "My unread count (the badge)")
    public Uni<UnreadCount> unreadCount() {
        String user = caller.id();
        return refresh(user).chain(() -> queries.state(user, null)).map(state -> new UnreadCount(state.unreadCount()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One of my notifications")
    public Uni<Notification> get(@PathParam("id") String id) {
        return inbox.find(caller.id(), uuid(id)).map(Notification::of);
    }

    @POST
    @Path("/{id}/read")
    @Operation(summary = "Mark one of my notifications read")
    public Uni<ReadResult> markRead(@PathParam("id") String id) {
        return inbox.markRead(caller.id(), uuid(id)).map(outcome -> new ReadResult(outcome.marked(), outcome.unreadCount()));
    }

    @POST
    @Path("/read-all")
    @Operation(summary = "Mark all my notifications read")
    public Uni<ReadResult> markAllRead() {
        // Pending broadcasts first, so "all" includes the ones the badge already counts for this user's roles.
        String user = caller.id();
        return refresh(user).chain(() -> inbox.markAllRead(user)).map(outcome -> new ReadResult(outcome.marked(), outcome.unreadCount()));
    }

    @POST
    @Path("/read")
    @Operation(summary = "Mark my notifications created at or before upTo read")
    public Uni<ReadResult> markReadUpTo(@Valid @NotNull ReadUpTo request) {
        String user = caller.id();
        return refresh(user).chain(() -> inbox.markReadUpTo(user, request.upTo().toInstant()))
                .map(outcome -> new ReadResult(outcome.marked(), outcome.unreadCount()));
    }

    /**
     * Before a list or a count: takes the broadcasts for the caller's roles into their inbox (those made since the
     * service first knew the user, within the retention), and remembers the token's e-mail address for digests.
     */
    private Uni<Void> refresh(String user) {
        String email = caller.email();
        Uni<Void> remember = email == null || email.equals(KNOWN_EMAILS.get(user)) ? Uni.createFrom().voidItem()
                : digests.rememberEmail(user, email).invoke(() -> KNOWN_EMAILS.put(user, email));
        List<String> rooms = caller.broadcastRooms();
        Instant oldest = Instant.now().minus(config.broadcast().retention());
        return remember.chain(() -> queries.firstSeen(user))
                .chain(firstSeen -> preferences.get(user).chain(prefs -> inbox.materializeBroadcasts(user, rooms,
                        firstSeen.isAfter(oldest) ? firstSeen : oldest, prefs.mutedTypeList())))
                .replaceWithVoid();
    }

    static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No such notification.");
        }
    }
}
