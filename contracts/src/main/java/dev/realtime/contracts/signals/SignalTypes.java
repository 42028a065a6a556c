package dev.realtime.contracts.signals;

import dev.realtime.contracts.events.EventType;
import java.time.Duration;
import java.util.List;

/**
 * Signals on {@code realtime.signals}: never stored, never sequenced. Edge instances use them to share
 * presence and typing; other services (notification-service) read presence from them.
 *
 * <p>Presence is announced per (user, edge instance): each instance publishes the number of connections it
 * holds for the user when that number changes, and again every {@link #PRESENCE_HEARTBEAT} while it is above
 * zero. A user is online while some instance's latest announcement has {@code connections > 0} and is younger
 * than {@link #PRESENCE_TTL}; so a crashed instance's users go offline by themselves.
 */
public final class SignalTypes {
    /** Data {@link PresenceSignal}; room {@code user:<sub>}, key = the room. */
    public static final EventType PRESENCE = new EventType("realtime.presence.v1", "presence");
    /** Data {@link TypingSignal}; room = the room typed in, key = the room. */
    public static final EventType TYPING = new EventType("realtime.typing.v1", "typing");

    public static final Duration PRESENCE_HEARTBEAT = Duration.ofSeconds(30);
    public static final Duration PRESENCE_TTL = Duration.ofSeconds(90);

    public static final List<EventType> ALL = List.of(PRESENCE, TYPING);

    private SignalTypes() {
    }
}
