package dev.realtime.activity.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtime.activity.model.ActivityEvents;
import dev.realtime.activity.model.DeepLinks;
import dev.realtime.activity.model.Verbs;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.store.Projection;
import dev.realtime.eventstore.store.StoredEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Projects, members and the feed, kept from the project streams. */
@ApplicationScoped
public class ActivityProjection implements Projection {
    public static final String PROJECT_TARGET = "project";

    @Inject
    DeepLinks links;

    @Override
    public String name() {
        return "activity";
    }

    @Override
    public Uni<Void> apply(StoredEvent event, Mutiny.Session session) {
        String projectId = Room.parse(event.streamId).id();
        if (ActivityEvents.PROJECT_CREATED.equals(event.type)) {
            ActivityEvents.ProjectCreated created = event.dataAs(ActivityEvents.ProjectCreated.class);
            ProjectEntity project = new ProjectEntity();
            project.id = projectId;
            project.title = created.title();
            project.ownerId = created.owner().id();
            project.createdAt = created.createdAt();
            project.version = event.version;
            // Flushed now: the members and activities that follow in the same append reference it.
            return session.persist(project).chain(session::flush);
        }
        return session.find(ProjectEntity.class, projectId).chain(project -> {
            project.version = event.version;
            return switch (event.type) {
                case ActivityEvents.PROJECT_RENAMED -> {
                    project.title = event.dataAs(ActivityEvents.ProjectRenamed.class).title();
                    yield done();
                }
                case ActivityEvents.PROJECT_ARCHIVED -> {
                    project.archivedAt = event.dataAs(ActivityEvents.ProjectArchived.class).archivedAt();
                    yield done();
                }
                case ActivityEvents.MEMBER_ADDED -> {
                    ActivityEvents.MemberAdded added = event.dataAs(ActivityEvents.MemberAdded.class);
                    MemberEntity member = new MemberEntity();
                    member.key = new MemberEntity.Key(projectId, added.userId());
                    member.role = added.role();
                    member.displayName = added.displayName();
                    member.joinedAt = added.addedAt();
                    yield session.persist(member).chain(() -> session.persist(memberActivity(project, event.version,
                            added.activityId(), Verbs.MEMBER_JOINED, added.userId(), added.displayName(), added.role(),
                            added.actor(), added.addedAt())));
                }
                case ActivityEvents.MEMBER_ROLE_CHANGED -> {
                    ActivityEvents.MemberRoleChanged changed = event.dataAs(ActivityEvents.MemberRoleChanged.class);
                    yield session.find(MemberEntity.class, new MemberEntity.Key(projectId, changed.userId()))
                            .invoke(member -> {
                                if (member != null) {
                                    member.role = changed.role();
                                }
                            }).replaceWithVoid();
                }
                case ActivityEvents.MEMBER_REMOVED -> {
                    ActivityEvents.MemberRemoved removed = event.dataAs(ActivityEvents.MemberRemoved.class);
                    yield session.find(MemberEntity.class, new MemberEntity.Key(projectId, removed.userId()))
                            .chain(member -> member == null ? done() : session.remove(member))
                            .chain(() -> session.find(SeenEntity.class, new MemberEntity.Key(projectId, removed.userId())))
                            .chain(seen -> seen == null ? done() : session.remove(seen))
                            .chain(() -> session.persist(memberActivity(project, event.version, removed.activityId(),
                                    Verbs.MEMBER_LEFT, removed.userId(), removed.displayName(), null, removed.actor(),
                                    removed.removedAt())));
                }
                case ActivityEvents.ACTIVITY_RECORDED -> session.persist(recorded(projectId, event.version,
                        event.dataAs(ActivityEvents.ActivityRecorded.class)));
                default -> done();
            };
        });
    }

    /**
     * The member is the actor ("Ana joined"), so bursts group as "Ana and 3 others joined Summer EP"; who added or
     * removed them, when it was someone else, is in {@code details.by}.
     */
    private ActivityEntity memberActivity(ProjectEntity project, long seq, String activityId, String verb,
            String userId, String displayName, String role, Actor by, Instant at) {
        ActivityEntity row = new ActivityEntity();
        row.id = UUID.fromString(activityId);
        row.projectId = project.id;
        row.seq = seq;
        row.verb = verb;
        row.actorId = userId;
        row.actorName = displayName == null ? userId : displayName;
        row.targetType = PROJECT_TARGET;
        row.targetId = project.id;
        row.targetTitle = project.title;
        row.targetLink = links.link(project.id, PROJECT_TARGET, project.id, null);
        row.occurredAt = at;
        ObjectNode details = Json.mapper().createObjectNode();
        if (role != null) {
            details.put("role", role);
        }
        if (by != null && !by.id().equals(userId)) {
            details.set("by", Json.mapper().valueToTree(by));
        }
        row.details = details.isEmpty() ? null : details.toString();
        row.source = "membership";
        return row;
    }

    private static ActivityEntity recorded(String projectId, long seq, ActivityEvents.ActivityRecorded recorded) {
        ActivityEntity row = new ActivityEntity();
        row.id = UUID.fromString(recorded.activityId());
        row.projectId = projectId;
        row.seq = seq;
        row.verb = recorded.verb();
        row.actorId = recorded.actor().id();
        row.actorName = recorded.actor().name();
        row.targetType = recorded.target().type();
        row.targetId = recorded.target().id();
        row.targetTitle = recorded.target().title();
        row.targetLink = recorded.target().link();
        row.occurredAt = recorded.occurredAt();
        JsonNode details = recorded.details();
        row.details = details == null || details.isNull() ? null : details.toString();
        row.source = recorded.source();
        return row;
    }

    private static Uni<Void> done() {
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> reset(Mutiny.Session session) {
        // act_seen is not kept from events (it is the users' own marker) and survives a rebuild.
        return session.createMutationQuery("delete from ActivityEntity").executeUpdate()
                .chain(() -> session.createMutationQuery("delete from MemberEntity").executeUpdate())
                .chain(() -> session.createMutationQuery("delete from ProjectEntity").executeUpdate())
                .replaceWithVoid();
    }
}
