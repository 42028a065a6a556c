package dev.realtime.notification;

import dev.realtime.contracts.activity.ActivityNew;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.activity.MemberChanged;
import dev.realtime.contracts.chat.ConversationChanged;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.chat.ParticipantChanged;
import dev.realtime.contracts.connections.ConnectionEvent;
import dev.realtime.contracts.notification.NotificationNew;
import dev.realtime.contracts.notification.NotificationRead;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.records.NotificationRequested;
import dev.realtime.contracts.records.Target;
import dev.realtime.contracts.signals.PresenceSignal;
import dev.realtime.notification.model.NotificationEvents;
import dev.realtime.notification.store.LastSeenStore;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * For a native image: the records notification-service writes and reads with Jackson outside REST (stored domain
 * events, integration payloads, the source events and signals it consumes, and the presence it answers).
 */
@RegisterForReflection(targets = {
        NotificationEvents.Created.class, NotificationEvents.Read.class, NotificationEvents.Broadcast.class,
        NotificationNew.class, NotificationRead.class, Actor.class, Target.class, Audience.class,
        ConversationCreated.class, ConversationChanged.class, ParticipantChanged.class, MessageNew.class,
        MemberChanged.class, ActivityNew.class, NotificationRequested.class, PresenceSignal.class,
        ConnectionEvent.class, LastSeenStore.UserPresence.class })
public final class NativeImageConfig {
    private NativeImageConfig() {
    }
}
