package dev.realtime.activity.domain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.activity.config.ActivityConfig;
import dev.realtime.activity.model.ActivityEvents;
import dev.realtime.activity.model.DeepLinks;
import dev.realtime.activity.store.MemberEntity;
import dev.realtime.activity.store.ProjectEntity;
import dev.realtime.activity.store.UserDirectory;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.memberships.Roles;
import dev.realtime.contracts.records.Target;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.store.AppendResult;
import dev.realtime.eventstore.store.CommandRunner;
import dev.realtime.eventstore.store.ConcurrencyException;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.NewEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The commands of a project. Each loads the project and the member it needs from the read models (in its
 * transaction), decides, and appends at the version it read; a concurrent write to the same project makes it run
 * again on the new state, so none decides on stale state and none is lost.
 */
@ApplicationScoped
public class ProjectService {

    @Inject
    CommandRunner commands;

    @Inject
    EventStore store;

    @Inject
    DeepLinks links;

    @Inject
    ActivityConfig config;

    @Inject
    UserDirectory directory;

    /** The project as the command saw it and what it appended; {@code result} is null when nothing changed. */
    public record Outcome(ProjectEntity project, AppendResult result) {
    }

    public record Created(String projectId, boolean existing) {
    }

    /** An activity to record, as a producer describes it; {@code link} is the producer's own, if any. */
    public record NewActivity(String verb, Actor actor, String targetType, String targetId, String targetTitle,
            String link, Instant occurredAt, JsonNode details) {
    }

    /** Where the activity is in the project stream; {@code duplicate}: its command id had been recorded before. */
    public record Recorded(String projectId, long seq, boolean duplicate) {
    }

    private record Context(ProjectEntity project, MemberEntity caller) {
    }

    // ---- projects ----

    /** {@code projectId} may be chosen by the caller (the seeds' apps have their own ids); otherwise a UUID. */
    public Uni<Created> create(Caller caller, String projectId, String title, String idempotencyKey) {
        String id = projectId == null ? UUID.randomUUID().toString() : projectId;
        Instant now = now();
        List<NewEvent> events = List.of(
                new NewEvent(ActivityEvents.PROJECT_CREATED, new ActivityEvents.ProjectCreated(id, title, caller.actor(), now)),
                new NewEvent(ActivityEvents.MEMBER_ADDED, new ActivityEvents.MemberAdded(UUID.randomUUID().toString(),
                        caller.id(), caller.displayName(), Roles.OWNER, title, caller.actor(), now)));
        String commandId = idempotencyKey == null ? null : "create-project:" + caller.id() + ":" + idempotencyKey;
        EventMetadata metadata = EventMetadata.of(caller.id(), commandId);
        String stream = Room.project(id).name();
        return commands.run(stream, () -> store.append(stream, ExpectedVersion.NO_STREAM, events, metadata))
                .map(result -> new Created(Room.parse(result.streamId()).id(), result.duplicate()))
                .onFailure(ConcurrencyException.class)
                .transform(failure -> ActivityProblem.conflict("project-exists", "A project with this id exists."));
    }

    public Uni<Outcome> rename(Caller caller, String projectId, String title) {
        return command(caller, projectId, context -> {
            requireManager(context, "rename the project");
            requireOpen(context);
            if (context.project().title.equals(title)) {
                return none();
            }
            return one(ActivityEvents.PROJECT_RENAMED, new ActivityEvents.ProjectRenamed(title, caller.actor(), now()));
        });
    }

    public Uni<Outcome> archive(Caller caller, String projectId) {
        return command(caller, projectId, context -> {
            requireManager(context, "archive the project");
            if (context.project().archived()) {
                return none();
            }
            return one(ActivityEvents.PROJECT_ARCHIVED, new ActivityEvents.ProjectArchived(caller.actor(), now()));
        });
    }

    // ---- members ----

    public Uni<Outcome> addMember(Caller caller, String projectId, String userId, String role, String displayName) {
        return command(caller, projectId, context -> {
            requireManager(context, "add members");
            requireOpen(context);
            if (Roles.ADMIN.equals(role) && !Roles.OWNER.equals(context.caller().role)) {
                throw ActivityProblem.forbidden("Only the owner makes admins.");
            }
            int max = config.limits().maxMembers();
            // Counted under the project's lock (see command), so two adds cannot both take the last place.
            return member(projectId, userId).chain(existing -> existing != null ? none()
                    : MemberEntity.count("key.projectId", projectId).chain(count -> {
                        if (count >= max) {
                            throw ActivityProblem.tooManyMembers(max);
                        }
                        // Added by id alone: the name the identity provider gave the user, when they were seen.
                        Uni<String> name = displayName != null ? Uni.createFrom().item(displayName)
                                : directory.nameOf(userId);
                        return name.chain(known -> one(ActivityEvents.MEMBER_ADDED, new ActivityEvents.MemberAdded(
                                UUID.randomUUID().toString(), userId, known, role, context.project().title,
                                caller.actor(), now())));
                    }));
        });
    }

    public Uni<Outcome> changeRole(Caller caller, String projectId, String userId, String role) {
        return command(caller, projectId, context -> {
            if (!Roles.OWNER.equals(context.caller().role)) {
                throw ActivityProblem.forbidden("Only the owner changes roles.");
            }
            requireOpen(context);
            return member(projectId, userId).chain(target -> {
                if (target == null) {
                    throw ActivityProblem.memberNotFound();
                }
                if (Roles.OWNER.equals(target.role)) {
                    throw ActivityProblem.conflict("owner-role", "The owner's role does not change.");
                }
                return target.role.equals(role) ? none()
                        : one(ActivityEvents.MEMBER_ROLE_CHANGED, new ActivityEvents.MemberRoleChanged(userId, role,
                                caller.actor(), now()));
            });
        });
    }

    /** Removes {@code userId}; when it is the caller, the caller leaves. */
    public Uni<Outcome> removeMember(Caller caller, String projectId, String userId) {
        return command(caller, projectId, context -> {
            boolean leaving = userId.equals(caller.id());
            if (leaving) {
                if (Roles.OWNER.equals(context.caller().role)) {
                    return MemberEntity.count("key.projectId", projectId).chain(count -> {
                        if (count > 1) {
                            throw ActivityProblem.conflict("owner-cannot-leave",
                                    "The owner cannot leave while others remain; archive the project instead.");
                        }
                        return removed(context, context.caller(), true, caller);
                    });
                }
                return removed(context, context.caller(), true, caller);
            }
            requireManager(context, "remove members");
            return member(projectId, userId).chain(target -> {
                if (target == null) {
                    return none();
                }
                if (Roles.OWNER.equals(target.role)
                        || (Roles.ADMIN.equals(target.role) && !Roles.OWNER.equals(context.caller().role))) {
                    throw ActivityProblem.forbidden("You may not remove this member.");
                }
                return removed(context, target, false, caller);
            });
        });
    }

    private static Uni<List<NewEvent>> removed(Context context, MemberEntity member, boolean left, Caller caller) {
        return one(ActivityEvents.MEMBER_REMOVED, new ActivityEvents.MemberRemoved(UUID.randomUUID().toString(),
                member.userId(), member.displayName, context.project().title, left, caller.actor(), now()));
    }

    // ---- activities ----

    /**
     * Records an activity of a member. {@code commandId} makes it idempotent (a producer's retry, a redelivered
     * source event): the second time nothing is stored and the first activity's seq is returned.
     */
    public Uni<Recorded> record(String projectId, NewActivity activity, String commandId, String source) {
        return record(projectId, activity, source, EventMetadata.of(activity.actor().id(), commandId));
    }

    /**
     * Records an activity caused by another service's event ({@code causationId}): the activity continues that
     * event's trace ({@code trace}, may be null).
     */
    public Uni<Recorded> recordCausedBy(String projectId, NewActivity activity, String commandId, String source,
            String causationId, TraceParent trace) {
        return record(projectId, activity, source,
                EventMetadata.causedBy(activity.actor().id(), causationId, commandId, trace));
    }

    private Uni<Recorded> record(String projectId, NewActivity activity, String source, EventMetadata metadata) {
        Room room = roomOrNotFound(projectId);
        return commands.run(room.name(), () -> ProjectEntity.<ProjectEntity>findById(projectId).chain(project -> {
                    if (project == null) {
                        throw ActivityProblem.projectNotFound();
                    }
                    if (project.archived()) {
                        throw ActivityProblem.conflict("project-archived", "The project is archived.");
                    }
                    return member(projectId, activity.actor().id()).chain(member -> {
                        if (member == null) {
                            throw ActivityProblem.actorNotMember();
                        }
                        boolean named = activity.actor().name() != null && !activity.actor().name().isBlank();
                        Uni<String> name = named ? Uni.createFrom().item(activity.actor().name())
                                : member.displayName != null ? Uni.createFrom().item(member.displayName)
                                : directory.nameOf(member.userId()).map(known -> known != null ? known : member.userId());
                        return name.chain(actorName -> append(room, project, activity, actorName, source, metadata));
                    });
                }))
                .map(result -> new Recorded(projectId, result.firstVersion(), result.duplicate()));
    }

    private Uni<AppendResult> append(Room room, ProjectEntity project, NewActivity activity, String name,
            String source, EventMetadata metadata) {
        String projectId = project.id;
        Target target = new Target(activity.targetType(), activity.targetId(), activity.targetTitle(),
                links.link(projectId, activity.targetType(), activity.targetId(), activity.link()));
        ActivityEvents.ActivityRecorded recorded = new ActivityEvents.ActivityRecorded(
                UUID.randomUUID().toString(), activity.verb(), new Actor(metadata.actor(), name), target,
                activity.occurredAt() == null ? now() : activity.occurredAt().truncatedTo(ChronoUnit.MICROS),
                activity.details(), source);
        return store.append(room.name(), project.version,
                List.of(new NewEvent(ActivityEvents.ACTIVITY_RECORDED, recorded)), metadata);
    }

    // ---- reads ----

    /** The project and the caller's membership; a 404 that reveals nothing when the caller is not a member. */
    public Uni<MemberEntity> memberOrNotFound(String projectId, String userId) {
        roomOrNotFound(projectId);
        return member(projectId, userId).map(member -> {
            if (member == null) {
                throw ActivityProblem.projectNotFound();
            }
            return member;
        });
    }

    // ---- the command pipeline ----

    private Uni<Outcome> command(Caller caller, String projectId, Function<Context, Uni<List<NewEvent>>> decide) {
        Room room = roomOrNotFound(projectId);
        EventMetadata metadata = EventMetadata.of(caller.id(), null);
        // A caller who is not a member gets the same 404 at once, never a wait for the project's turn (which would
        // tell that it exists and is busy); the check is made again in the turn, where the decision is.
        return Panache.withSession(() -> memberOrNotFound(projectId, caller.id())).chain(() -> commands.run(room.name(),
                () -> memberOrNotFound(projectId, caller.id())
                        .chain(member -> ProjectEntity.<ProjectEntity>findById(projectId)
                                .map(project -> new Context(project, member)))
                        .chain(context -> decide.apply(context).chain(events -> events.isEmpty()
                                ? Uni.createFrom().item(new Outcome(context.project(), null))
                                : store.append(room.name(), context.project().version, events, metadata)
                                        .map(result -> new Outcome(context.project(), result))))));
    }

    private static Uni<MemberEntity> member(String projectId, String userId) {
        return MemberEntity.findById(new MemberEntity.Key(projectId, userId));
    }

    private static Uni<List<NewEvent>> none() {
        return Uni.createFrom().item(List.of());
    }

    private static Uni<List<NewEvent>> one(String type, Object data) {
        return Uni.createFrom().item(List.of(new NewEvent(type, data)));
    }

    private static void requireManager(Context context, String action) {
        if (!Roles.manages(context.caller().role)) {
            throw ActivityProblem.forbidden("Only an owner or an admin may " + action + ".");
        }
    }

    private static void requireOpen(Context context) {
        if (context.project().archived()) {
            throw ActivityProblem.conflict("project-archived", "The project is archived.");
        }
    }

    public static Room roomOrNotFound(String projectId) {
        try {
            return Room.project(projectId);
        } catch (InvalidRoomException | NullPointerException e) {
            throw ActivityProblem.projectNotFound();
        }
    }

    /** Microseconds: what PostgreSQL keeps, so an event and its read model show the same instant. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
