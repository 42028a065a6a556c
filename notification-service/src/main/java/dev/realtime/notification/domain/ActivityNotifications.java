package dev.realtime.notification.domain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.activity.ActivityNew;
import dev.realtime.contracts.activity.MemberChanged;
import dev.realtime.contracts.records.Target;
import dev.realtime.eventstore.consumer.Blocking;
import dev.realtime.notification.model.Draft;
import dev.realtime.notification.model.Preferences;
import dev.realtime.notification.model.Types;
import dev.realtime.notification.store.PreferenceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;

/**
 * activity.events → "added to / removed from project" (when someone else did it) and "reply to my comment"
 * (not for a reply to oneself; muted with the type {@code comment:reply} or the project).
 */
@ApplicationScoped
public class ActivityNotifications {
    static final String COMMENT_REPLY_VERB = "comment:reply";

    @Inject
    PreferenceStore preferences;

    @Inject
    Fanout fanout;

    public void memberJoined(SourceEvent event, MemberChanged change) throws Exception {
        member(event, change, true);
    }

    public void memberLeft(SourceEvent event, MemberChanged change) throws Exception {
        member(event, change, false);
    }

    /** Of the activities, only a reply to a comment notifies (its author); the others are the feed's. */
    public void activityPosted(SourceEvent event, ActivityNew activity) throws Exception {
        if (COMMENT_REPLY_VERB.equals(activity.verb())) {
            reply(event, activity);
        }
    }

    private void member(SourceEvent event, MemberChanged change, boolean joined) throws Exception {
        String user = UserIds.validUser(change.userId());
        String actorId = change.actor() == null ? event.actor() : change.actor().id();
        if (actorId == null || actorId.equals(user)) {
            return;
        }
        String project = Texts.orDefault(change.projectTitle(), "a project");
        String type = joined ? Types.PROJECT_ADDED : Types.PROJECT_REMOVED;
        String actorName = change.actor() == null ? actorId : Texts.orDefault(change.actor().name(), actorId);
        Draft draft = new Draft(type, joined ? actorName + " added you to " + project : actorName + " removed you from " + project,
                null, change.actor(), new Target("project", change.projectId(), change.projectTitle(),
                        joined && change.projectId() != null ? "/projects/" + change.projectId() : null),
                at(change.occurredAt(), event), event.id());
        Preferences p = Blocking.await(() -> preferences.get(user));
        if (!p.mutes(type)) {
            fanout.deliver(List.of(new Fanout.Recipient(user, draft)), event.time(), event.trace());
        }
    }

    private void reply(SourceEvent event, ActivityNew activity) throws Exception {
        JsonNode details = activity.details();
        JsonNode replyTo = details == null ? null : details.get(ActivityNew.REPLY_TO_AUTHOR);
        if (replyTo == null || !replyTo.isTextual()) {
            throw new InvalidSourceEvent("comment:reply without details." + ActivityNew.REPLY_TO_AUTHOR);
        }
        String user = UserIds.validUser(replyTo.asText());
        String actorId = activity.actor() == null ? event.actor() : activity.actor().id();
        if (user.equals(actorId)) {
            return;
        }
        Preferences p = Blocking.await(() -> preferences.get(user));
        if (p.mutes(Types.COMMENT_REPLY) || (activity.projectId() != null && p.mutedProjects().contains(activity.projectId()))) {
            return;
        }
        String actorName = activity.actor() == null ? actorId : Texts.orDefault(activity.actor().name(), actorId);
        Target target = activity.target();
        Draft draft = new Draft(Types.COMMENT_REPLY, actorName + " replied to your comment"
                + (target != null && target.title() != null ? " on " + target.title() : ""),
                details.hasNonNull("text") ? Texts.excerpt(details.get("text").asText()) : null,
                activity.actor(), target, at(activity.occurredAt(), event), event.id());
        fanout.deliver(List.of(new Fanout.Recipient(user, draft)), event.time(), event.trace());
    }

    private static Instant at(Instant occurred, SourceEvent event) {
        if (occurred != null) {
            return occurred;
        }
        return event.timeOrNow();
    }
}
