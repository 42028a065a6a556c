package dev.realtime.activity.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.records.Target;
import java.time.Instant;

/**
 * The domain events of a project stream ({@code project:<id>}), as stored. They are not the published types:
 * {@code ActivityIntegrationMapper} maps them to {@code activity.events}. Every event that shows in the feed
 * carries its own {@code activityId}, so an activity keeps its id in the feed, the live event and a replay.
 */
public final class ActivityEvents {
    public static final String PROJECT_CREATED = "activity.ProjectCreated.v1";
    public static final String PROJECT_RENAMED = "activity.ProjectRenamed.v1";
    public static final String PROJECT_ARCHIVED = "activity.ProjectArchived.v1";
    public static final String MEMBER_ADDED = "activity.MemberAdded.v1";
    public static final String MEMBER_ROLE_CHANGED = "activity.MemberRoleChanged.v1";
    public static final String MEMBER_REMOVED = "activity.MemberRemoved.v1";
    public static final String ACTIVITY_RECORDED = "activity.ActivityRecorded.v1";

    private ActivityEvents() {
    }

    public record ProjectCreated(String projectId, String title, Actor owner, Instant createdAt) {
    }

    public record ProjectRenamed(String title, Actor actor, Instant renamedAt) {
    }

    public record ProjectArchived(Actor actor, Instant archivedAt) {
    }

    /** {@code actor} added {@code userId}; the creator's own joining is one of these too. */
    public record MemberAdded(String activityId, String userId, String displayName, String role, String projectTitle,
            Actor actor, Instant addedAt) {
    }

    public record MemberRoleChanged(String userId, String role, Actor actor, Instant changedAt) {
    }

    /** {@code left}: the member left on their own; otherwise {@code actor} removed them. */
    public record MemberRemoved(String activityId, String userId, String displayName, String projectTitle, boolean left,
            Actor actor, Instant removedAt) {
    }

    /**
     * An activity from a producer: {@code target.link} is the deep link resolved when it was recorded, and
     * {@code source} says where it came from ({@code api}, {@code chat.events} or {@code records.events}).
     */
    public record ActivityRecorded(String activityId, String verb, Actor actor, Target target, Instant occurredAt,
            JsonNode details, String source) {
    }
}
