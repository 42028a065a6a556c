package dev.realtime.activity.api;

import dev.realtime.activity.api.ActivityDtos.AddMember;
import dev.realtime.activity.api.ActivityDtos.ChangeRole;
import dev.realtime.activity.api.ActivityDtos.CreateProject;
import dev.realtime.activity.api.ActivityDtos.MarkSeen;
import dev.realtime.activity.api.ActivityDtos.Member;
import dev.realtime.activity.api.ActivityDtos.Project;
import dev.realtime.activity.api.ActivityDtos.ProjectSummary;
import dev.realtime.activity.api.ActivityDtos.Rename;
import dev.realtime.activity.api.ActivityDtos.Seen;
import dev.realtime.activity.config.ActivityConfig;
import dev.realtime.activity.domain.Caller;
import dev.realtime.activity.domain.ProjectService;
import dev.realtime.activity.messaging.ActivityIntegrationMapper;
import dev.realtime.activity.store.FeedQueries;
import dev.realtime.activity.store.ProjectEntity;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.memberships.Roles;
import dev.realtime.eventstore.relay.IntegrationEvents;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.servicekit.caller.CurrentCaller;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Projects, their members, the "seen up to" marker and the resume source of the edge. Reference: docs/activity-api.md. */
@Path("/api/projects")
@Authenticated
@Tag(name = "projects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProjectResource {

    @Inject
    CurrentCaller caller;

    @Inject
    ProjectService projects;

    @Inject
    ProjectViews views;

    @Inject
    FeedQueries feed;

    @Inject
    EventStore store;

    @Inject
    ActivityIntegrationMapper integration;

    @Inject
    ActivityConfig config;

    @POST
    @Operation(summary = "Create a project; the caller owns it. An Idempotency-Key makes a retry return the first one")
    public Uni<Response> create(@Valid @NotNull CreateProject request, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return projects.create(caller.as(Caller::new), request.id(), request.title(), idempotencyKey)
                .chain(created -> view(created.projectId()).map(view -> created.existing()
                        ? Response.ok(view).build()
                        : Response.created(URI.create("/api/projects/" + view.id())).entity(view).build()));
    }

    @GET
    @Operation(summary = "The projects the caller is a member of, newest first")
    public Uni<List<ProjectSummary>> list() {
        String user = caller.id();
        return Panache.withSession(() -> views.myProjects(user));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A project the caller is a member of")
    public Uni<Project> get(@PathParam("id") String id) {
        return view(id);
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Rename (owner or admin)")
    public Uni<Project> rename(@PathParam("id") String id, @Valid @NotNull Rename request) {
        return projects.rename(caller.as(Caller::new), id, request.title()).chain(outcome -> view(id));
    }

    @POST
    @Path("/{id}/archive")
    @Operation(summary = "Archive (owner or admin): the feed stays readable, nothing new is recorded")
    public Uni<Project> archive(@PathParam("id") String id) {
        return projects.archive(caller.as(Caller::new), id).chain(outcome -> view(id));
    }

    @GET
    @Path("/{id}/members")
    @Operation(summary = "The members, in joining order")
    public Uni<List<Member>> members(@PathParam("id") String id) {
        String user = caller.id();
        return Panache.withSession(() -> projects.memberOrNotFound(id, user).chain(me -> views.members(id)));
    }

    @POST
    @Path("/{id}/members")
    @Operation(summary = "Add a member (owner or admin; only the owner adds admins); a member:joined activity")
    public Uni<List<Member>> add(@PathParam("id") String id, @Valid @NotNull AddMember request) {
        String role = request.role() == null ? Roles.MEMBER : request.role();
        return projects.addMember(caller.as(Caller::new), id, request.userId(), role, request.displayName())
                .chain(outcome -> members(id));
    }

    @PATCH
    @Path("/{id}/members/{userId}")
    @Operation(summary = "Change a member's role (owner only)")
    public Uni<List<Member>> changeRole(@PathParam("id") String id, @PathParam("userId") String userId,
            @Valid @NotNull ChangeRole request) {
        return projects.changeRole(caller.as(Caller::new), id, userId, request.role()).chain(outcome -> members(id));
    }

    @DELETE
    @Path("/{id}/members/{userId}")
    @Operation(summary = "Remove a member (owner or admin), or leave when it is the caller; a member:left activity")
    public Uni<Response> remove(@PathParam("id") String id, @PathParam("userId") String userId) {
        return projects.removeMember(caller.as(Caller::new), id, userId).map(outcome -> Response.noContent().build());
    }

    @POST
    @Path("/{id}/leave")
    @Operation(summary = "Leave the project")
    public Uni<Response> leave(@PathParam("id") String id) {
        return remove(id, caller.id());
    }

    @GET
    @Path("/{id}/seen")
    @Operation(summary = "The caller's 'seen up to' seq and how many activities of others came after it (at most"
            + " activity.unseen-cap, 1,000 by default; unseenCapped tells)")
    public Uni<Seen> seen(@PathParam("id") String id) {
        String user = caller.id();
        return Panache.withSession(() -> projects.memberOrNotFound(id, user)
                .chain(me -> feed.seenSeq(id, user))
                .chain(seq -> feed.unseen(id, user, seq, config.unseenCap() + 1)
                        .map(count -> new Seen(seq, Math.min(count, config.unseenCap()), count > config.unseenCap()))));
    }

    @PUT
    @Path("/{id}/seen")
    @Operation(summary = "Move the caller's 'seen up to' marker forward (never back; capped at the newest seq)")
    public Uni<Seen> markSeen(@PathParam("id") String id, @Valid @NotNull MarkSeen request) {
        String user = caller.id();
        return Panache.withTransaction(() -> projects.memberOrNotFound(id, user)
                        .chain(me -> ProjectEntity.<ProjectEntity>findById(id))
                        .chain(project -> feed.markSeen(id, user, Math.min(request.seq(), project.version))))
                .chain(() -> seen(id));
    }

    @GET
    @Path("/{id}/events")
    @Operation(summary = "The project's events after a seq, oldest first: the resume source of the edge")
    public Uni<RoomEventPage> events(@PathParam("id") String id, @QueryParam("after") @DefaultValue("0") @Min(0) long after,
            @QueryParam("limit") @DefaultValue("500") @Min(1) @Max(EventStore.MAX_PAGE) int limit,
            @HeaderParam(RoomEventPage.ON_BEHALF_OF) String onBehalfOf) {
        String user = caller.historyReader(onBehalfOf);
        return Panache.withSession(() -> projects.memberOrNotFound(id, user)
                .chain(me -> ProjectEntity.<ProjectEntity>findById(id))
                .chain(project -> store.readStream(project.room(), after, limit).map(events ->
                        IntegrationEvents.page(events, after, project.version, integration::toIntegrationEvent))));
    }

    private Uni<Project> view(String id) {
        String user = caller.id();
        return Panache.withSession(() -> projects.memberOrNotFound(id, user).chain(me -> views.project(id, me)));
    }
}
