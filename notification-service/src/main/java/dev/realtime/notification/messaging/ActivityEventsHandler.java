package dev.realtime.notification.messaging;

import dev.realtime.contracts.activity.ActivityEventTypes;
import dev.realtime.contracts.activity.ActivityNew;
import dev.realtime.contracts.activity.MemberChanged;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.notification.domain.ActivityNotifications;
import dev.realtime.notification.domain.SourceEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** activity.events → {@link ActivityNotifications} (project membership changes, replies to comments). */
@ApplicationScoped
public class ActivityEventsHandler {

    @Inject
    ActivityNotifications notifications;

    public void handle(IntegrationEvent event) throws Exception {
        String type = event.type();
        SourceEvent source = SourceEventMapper.source(event);
        if (ActivityEventTypes.MEMBER_JOINED.ceType().equals(type)) {
            notifications.memberJoined(source, event.dataAs(MemberChanged.class));
        } else if (ActivityEventTypes.MEMBER_LEFT.ceType().equals(type)) {
            notifications.memberLeft(source, event.dataAs(MemberChanged.class));
        } else if (ActivityEventTypes.ACTIVITY_NEW.ceType().equals(type)) {
            notifications.activityPosted(source, event.dataAs(ActivityNew.class));
        }
    }
}
