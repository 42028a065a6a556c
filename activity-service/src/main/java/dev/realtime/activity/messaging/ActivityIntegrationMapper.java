package dev.realtime.activity.messaging;

import dev.realtime.activity.model.ActivityEvents;
import dev.realtime.contracts.activity.ActivityEventTypes;
import dev.realtime.contracts.activity.ActivityNew;
import dev.realtime.contracts.activity.MemberChanged;
import dev.realtime.contracts.activity.ProjectChanged;
import dev.realtime.contracts.activity.ProjectCreated;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.relay.IntegrationEvents;
import dev.realtime.eventstore.relay.IntegrationMapper;
import dev.realtime.eventstore.store.StoredEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Domain events of a project → integration events on {@code activity.events} (room {@code project:<id>}, seq = the
 * stream version), plus the membership changes on {@code realtime.memberships} that let the edge admit a new member
 * to the project room, or drop one who left, at once.
 */
@ApplicationScoped
public class ActivityIntegrationMapper implements IntegrationMapper {
    public static final URI SOURCE = URI.create("/activity-service");

    @Override
    public List<ProducerRecord<String, byte[]>> map(StoredEvent event) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        toIntegrationEvent(event)
                .ifPresent(integration -> records.add(CloudEventCodec.toRecord(Topics.ACTIVITY_EVENTS, integration)));
        Room room = Room.parse(event.streamId);
        String actor = event.metadata().actor();
        switch (event.type) {
            case ActivityEvents.MEMBER_ADDED -> {
                ActivityEvents.MemberAdded added = event.dataAs(ActivityEvents.MemberAdded.class);
                records.add(grant(room, added.userId(), added.role(), actor));
            }
            case ActivityEvents.MEMBER_ROLE_CHANGED -> {
                ActivityEvents.MemberRoleChanged changed = event.dataAs(ActivityEvents.MemberRoleChanged.class);
                records.add(grant(room, changed.userId(), changed.role(), actor));
            }
            case ActivityEvents.MEMBER_REMOVED -> records.add(new Membership(room,
                    event.dataAs(ActivityEvents.MemberRemoved.class).userId(), null).revokeRecord());
            default -> {
            }
        }
        return records;
    }

    /**
     * The grant of one membership on {@code realtime.memberships}: what a membership change publishes, and what
     * {@link MembershipSnapshot} re-publishes for each current one ({@code actor} null there).
     */
    public static ProducerRecord<String, byte[]> grant(Room room, String userId, String role, String actor) {
        return new Membership(room, userId, role).grantRecord(SOURCE, actor);
    }

    /** The integration event a front end sees for this stored event, if it has one. */
    public Optional<IntegrationEvent> toIntegrationEvent(StoredEvent event) {
        String projectId = Room.parse(event.streamId).id();
        return Optional.ofNullable(switch (event.type) {
            case ActivityEvents.PROJECT_CREATED -> {
                ActivityEvents.ProjectCreated created = event.dataAs(ActivityEvents.ProjectCreated.class);
                yield IntegrationEvents.of(event, ActivityEventTypes.PROJECT_CREATED,
                        new ProjectCreated(projectId, created.title(), created.owner(), created.createdAt()), SOURCE);
            }
            case ActivityEvents.PROJECT_RENAMED -> {
                ActivityEvents.ProjectRenamed renamed = event.dataAs(ActivityEvents.ProjectRenamed.class);
                yield IntegrationEvents.of(event, ActivityEventTypes.PROJECT_RENAMED, new ProjectChanged(projectId,
                        renamed.title(), false, renamed.actor(), renamed.renamedAt()), SOURCE);
            }
            case ActivityEvents.PROJECT_ARCHIVED -> {
                ActivityEvents.ProjectArchived archived = event.dataAs(ActivityEvents.ProjectArchived.class);
                yield IntegrationEvents.of(event, ActivityEventTypes.PROJECT_ARCHIVED, new ProjectChanged(projectId,
                        null, true, archived.actor(), archived.archivedAt()), SOURCE);
            }
            case ActivityEvents.MEMBER_ADDED -> {
                ActivityEvents.MemberAdded added = event.dataAs(ActivityEvents.MemberAdded.class);
                yield IntegrationEvents.of(event, ActivityEventTypes.MEMBER_JOINED, new MemberChanged(added.activityId(),
                        projectId, added.projectTitle(), added.userId(), added.role(), added.actor(), added.addedAt()),
                        SOURCE);
            }
            case ActivityEvents.MEMBER_ROLE_CHANGED -> {
                ActivityEvents.MemberRoleChanged changed = event.dataAs(ActivityEvents.MemberRoleChanged.class);
                yield IntegrationEvents.of(event, ActivityEventTypes.MEMBER_ROLE_CHANGED, new MemberChanged(null,
                        projectId, null, changed.userId(), changed.role(), changed.actor(), changed.changedAt()), SOURCE);
            }
            case ActivityEvents.MEMBER_REMOVED -> {
                ActivityEvents.MemberRemoved removed = event.dataAs(ActivityEvents.MemberRemoved.class);
                yield IntegrationEvents.of(event, ActivityEventTypes.MEMBER_LEFT, new MemberChanged(removed.activityId(),
                        projectId, removed.projectTitle(), removed.userId(), null, removed.actor(), removed.removedAt()),
                        SOURCE);
            }
            case ActivityEvents.ACTIVITY_RECORDED -> {
                ActivityEvents.ActivityRecorded recorded = event.dataAs(ActivityEvents.ActivityRecorded.class);
                yield IntegrationEvents.of(event, ActivityEventTypes.ACTIVITY_NEW, new ActivityNew(recorded.activityId(),
                        projectId, recorded.verb(), recorded.actor(), recorded.target(), recorded.occurredAt(),
                        recorded.details()), SOURCE);
            }
            default -> null;
        });
    }
}
