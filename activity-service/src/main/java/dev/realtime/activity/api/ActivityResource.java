package dev.realtime.activity.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.activity.api.ActivityDtos.Activity;
import dev.realtime.activity.api.ActivityDtos.FeedPage;
import dev.realtime.activity.api.ActivityDtos.PostActivity;
import dev.realtime.activity.config.ActivityConfig;
import dev.realtime.activity.domain.ProjectService;
import dev.realtime.activity.domain.ProjectService.NewActivity;
import dev.realtime.activity.model.DeepLinks;
import dev.realtime.activity.model.Verbs;
import dev.realtime.activity.store.ActivityEntity;
import dev.realtime.activity.store.FeedQueries;
import dev.realtime.activity.store.ProjectEntity;
import dev.realtime.contracts.activity.ActivityNew;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.events.Json;
import dev.realtime.servicekit.caller.CurrentCaller;
import dev.realtime.servicekit.problem.InvalidRequestException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The activity feed of a project, and the entry point for other services' activities. Reference: docs/activity-api.md. */
@Path("/api/projects/{id}/activities")
@Authenticated
@Tag(name = "activities")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ActivityResource {
    static final int MAX_PAGE = 200;
    /** The token role (from the {@code groups} claim) of other services that record activities. */
    static final String SERVICE_ROLE = "service";

    @Inject
    CurrentCaller caller;

    @Inject
    ProjectService projects;

    @Inject
    FeedQueries feed;

    @Inject
    ProjectViews views;

    @Inject
    ActivityConfig config;

    @GET
    @Operation(summary = "The feed, newest first: page with 'before', catch up with 'since', filter by verb, actor or"
            + " target; group=true folds bursts into groups that keep their items")
    public Uni<FeedPage> feed(@PathParam("id") String id,
            @QueryParam("before") @Min(1) Long before,
            @QueryParam("since") @DefaultValue("0") @Min(0) long since,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(MAX_PAGE) int limit,
            @QueryParam("verb") String verb,
            @QueryParam("actor") String actor,
            @QueryParam("targetType") String targetType,
            @QueryParam("targetId") String targetId,
            @QueryParam("group") @DefaultValue("false") boolean group) {
        if (targetId != null && targetType == null) {
            throw new InvalidRequestException("targetType", "is required with targetId");
        }
        FeedQueries.Filter filter = new FeedQueries.Filter(blankToNull(verb), blankToNull(actor), blankToNull(targetType),
                blankToNull(targetId));
        String user = caller.id();
        return Panache.withSession(() -> projects.memberOrNotFound(id, user)
                .chain(me -> ProjectEntity.<ProjectEntity>findById(id))
                .chain(project -> feed.page(id, before, since, filter, limit + 1).chain(rows -> {
                    boolean more = rows.size() > limit;
                    return views.activities(rows.subList(0, Math.min(limit, rows.size()))).map(items -> {
                        Long next = more ? items.get(items.size() - 1).seq() : null;
                        return new FeedPage(items, group ? FeedGrouping.group(items, config.grouping().window(),
                                config.grouping().actorNames()) : null, next, project.version);
                    });
                })));
    }

    @POST
    @RolesAllowed(SERVICE_ROLE)
    @Operation(summary = "Record an activity of a project member (services only: token role 'service'); a retry with"
            + " the same sourceId returns the first one")
    public Uni<Response> post(@PathParam("id") String id, @Valid @NotNull PostActivity request) {
        String refusal = Verbs.refusal(request.verb());
        if (refusal != null) {
            throw new InvalidRequestException("verb", refusal);
        }
        if (request.target().link() != null && !DeepLinks.isSafe(request.target().link())) {
            throw new InvalidRequestException("target.link", "must be an http(s) URL or an absolute path");
        }
        if (request.details() != null && !request.details().isNull()) {
            if (!request.details().isObject()) {
                throw new InvalidRequestException("details", "must be a JSON object");
            }
            if (Json.write(request.details()).length > ActivityDtos.MAX_DETAILS_BYTES) {
                throw new InvalidRequestException("details", "must be at most " + ActivityDtos.MAX_DETAILS_BYTES + " bytes");
            }
        }
        if (Verbs.COMMENT_REPLY.equals(request.verb())) {
            // notification-service tells the author of the comment replied to: it needs to know who that is.
            JsonNode author = request.details() == null ? null : request.details().get(ActivityNew.REPLY_TO_AUTHOR);
            if (author == null || !author.isTextual() || !author.asText().matches(ActivityDtos.USER_ID)) {
                throw new InvalidRequestException("details." + ActivityNew.REPLY_TO_AUTHOR,
                        "must be the user id of the author replied to (required for comment:reply)");
            }
        }
        String service = caller.id();
        String commandId = request.sourceId() == null ? null : "post-activity:" + service + ":" + request.sourceId();
        NewActivity activity = new NewActivity(request.verb(), new Actor(request.actor().id(), request.actor().name()),
                request.target().type(), request.target().id(), request.target().title(), request.target().link(),
                request.occurredAt(), request.details() == null || request.details().isNull() ? null : request.details());
        return projects.record(id, activity, commandId, "api:" + service)
                .chain(recorded -> Panache.withSession(() -> ActivityEntity
                                .<ActivityEntity>find("projectId = ?1 and seq = ?2", id, recorded.seq()).singleResult())
                        .map(row -> {
                            Activity view = ProjectViews.activity(row);
                            return recorded.duplicate() ? Response.ok(view).build()
                                    : Response.created(URI.create("/api/projects/" + id + "/activities?since="
                                            + (row.seq - 1) + "&limit=1")).entity(view).build();
                        }));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
