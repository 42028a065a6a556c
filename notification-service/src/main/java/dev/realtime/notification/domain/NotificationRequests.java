package dev.realtime.notification.domain;

import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.records.NotificationRequested;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.consumer.Blocking;
import dev.realtime.eventstore.store.CommandRunner;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.NewEvent;
import dev.realtime.eventstore.tracing.Tracing;
import dev.realtime.notification.model.Draft;
import dev.realtime.notification.model.NotificationEvents;
import dev.realtime.notification.model.Preferences;
import dev.realtime.notification.store.PreferenceStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * records.events {@code records.notification.requested.v1} → notifications. Users named in the audience get
 * theirs at once (fan-out on write). Roles and everyone cannot be enumerated here: the request becomes one
 * broadcast (its own stream, published live to the {@code role:<name>} / {@code all} rooms) that each user's
 * inbox takes in when they next list or count (see InboxService#materializeBroadcasts).
 */
@ApplicationScoped
public class NotificationRequests {
    @Inject
    PreferenceStore preferences;

    @Inject
    Fanout fanout;

    @Inject
    CommandRunner commands;

    @Inject
    EventStore store;

    public void requested(SourceEvent event, NotificationRequested requested) throws Exception {
        // Refused (InvalidEventException) by the same rules as the edge's server API applies before publishing.
        NotificationRequested request = requested.validate();
        // The producer's request id makes it idempotent; scoped by source so two producers cannot collide.
        String sourceId = "request:" + event.source() + "#" + (request.requestId() != null ? request.requestId() : event.id());
        Actor actor = request.actorId() == null ? null : new Actor(request.actorId(), request.actorName());
        Instant at = event.timeOrNow();
        Audience audience = request.audience();
        if (!audience.users().isEmpty()) {
            Set<String> users = new LinkedHashSet<>(audience.users());
            Map<String, Preferences> prefs = Blocking.await(() -> preferences.getAll(users));
            Draft draft = new Draft(request.type(), request.title(), request.body(), actor, request.target(), at, sourceId);
            List<Fanout.Recipient> recipients = new ArrayList<>();
            for (String user : users) {
                if (!prefs.getOrDefault(user, Preferences.DEFAULT).mutes(request.type())) {
                    recipients.add(new Fanout.Recipient(user, draft));
                }
            }
            fanout.deliver(recipients, at, event.trace());
        }
        List<String> rooms = new ArrayList<>();
        if (audience.all()) {
            rooms.add(Room.ALL.name());
        } else {
            audience.roles().forEach(role -> rooms.add(Room.role(role).name()));
        }
        if (!rooms.isEmpty()) {
            String broadcastId = UUID.randomUUID().toString();
            // Taken here, on the consumer's thread, where its span is current: the append runs on another context.
            TraceParent trace = Tracing.currentOr(event.trace());
            NotificationEvents.Broadcast broadcast = new NotificationEvents.Broadcast(broadcastId, rooms, request.type(),
                    request.title(), request.body(), actor, request.target(), at, sourceId);
            String stream = NotificationEvents.BROADCAST_STREAM_PREFIX + broadcastId;
            Blocking.await(() -> commands.run(stream, () -> store.append(stream, ExpectedVersion.NO_STREAM, List.of(new NewEvent(NotificationEvents.BROADCAST, broadcast)),
                    EventMetadata.causedBy(request.actorId(), event.id(), "broadcast:" + sourceId, trace))));
        }
    }
}
