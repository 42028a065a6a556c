package dev.realtime.contracts.activity;

import dev.realtime.contracts.events.EventType;
import java.util.List;
import java.util.Optional;

/** Integration event types published by activity-service on {@code activity.events}, with their live names. */
public final class ActivityEventTypes {
    /** A project was created (data {@link ProjectCreated}). */
    public static final EventType PROJECT_CREATED = new EventType("activity.project.created.v1", "project:created");
    /** A project was renamed (data {@link ProjectChanged}). */
    public static final EventType PROJECT_RENAMED = new EventType("activity.project.renamed.v1", "project:renamed");
    /** A project was archived (data {@link ProjectChanged}): read-only from then on. */
    public static final EventType PROJECT_ARCHIVED = new EventType("activity.project.archived.v1", "project:archived");
    /** A member joined or was added (data {@link MemberChanged}); also an activity in the feed. */
    public static final EventType MEMBER_JOINED = new EventType("activity.member.joined.v1", "member:joined");
    /** A member left or was removed (data {@link MemberChanged}); also an activity in the feed. */
    public static final EventType MEMBER_LEFT = new EventType("activity.member.left.v1", "member:left");
    /** A member's role changed (data {@link MemberChanged}). */
    public static final EventType MEMBER_ROLE_CHANGED =
            new EventType("activity.member.role-changed.v1", "member:role-changed");
    /** Any other activity (data {@link ActivityNew}). */
    public static final EventType ACTIVITY_NEW = new EventType("activity.activity.new.v1", "activity:new");

    public static final List<EventType> ALL = List.of(PROJECT_CREATED, PROJECT_RENAMED, PROJECT_ARCHIVED,
            MEMBER_JOINED, MEMBER_LEFT, MEMBER_ROLE_CHANGED, ACTIVITY_NEW);

    private ActivityEventTypes() {
    }

    public static Optional<EventType> byCeType(String ceType) {
        return ALL.stream().filter(type -> type.ceType().equals(ceType)).findFirst();
    }
}
