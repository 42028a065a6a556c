package dev.realtime.activity;

import dev.realtime.activity.model.ActivityEvents;
import dev.realtime.contracts.activity.ActivityNew;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.activity.MemberChanged;
import dev.realtime.contracts.activity.ProjectChanged;
import dev.realtime.contracts.activity.ProjectCreated;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.records.RecordChanged;
import dev.realtime.contracts.records.Target;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * For a native image: the records activity-service writes and reads with Jackson outside REST (stored domain
 * events, integration payloads, membership grants, the source events it consumes).
 */
@RegisterForReflection(targets = {
        ActivityEvents.ProjectCreated.class, ActivityEvents.ProjectRenamed.class, ActivityEvents.ProjectArchived.class,
        ActivityEvents.MemberAdded.class, ActivityEvents.MemberRoleChanged.class, ActivityEvents.MemberRemoved.class,
        ActivityEvents.ActivityRecorded.class,
        ActivityNew.class, Actor.class, MemberChanged.class, ProjectChanged.class, ProjectCreated.class,
        ConversationCreated.class, RecordChanged.class, Audience.class, Target.class, Membership.Value.class })
public final class NativeImageConfig {
    private NativeImageConfig() {
    }
}
