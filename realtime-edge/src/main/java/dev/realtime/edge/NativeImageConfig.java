package dev.realtime.edge;

import dev.realtime.contracts.history.RoomEvent;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.records.RecordChanged;
import dev.realtime.contracts.records.Target;
import dev.realtime.contracts.signals.PresenceSignal;
import dev.realtime.contracts.signals.TypingSignal;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * For a native image: the contract records the edge reads and writes with Jackson (frames themselves are built
 * as JSON trees and need nothing).
 */
@RegisterForReflection(targets = { Membership.Value.class, RecordChanged.class, Audience.class, Target.class,
        PresenceSignal.class, TypingSignal.class, RoomEventPage.class, RoomEvent.class })
public final class NativeImageConfig {
    private NativeImageConfig() {
    }
}
