package dev.realtime.contracts.live;

import dev.realtime.contracts.activity.ActivityEventTypes;
import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.events.EventType;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.notification.NotificationEventTypes;
import dev.realtime.contracts.records.RecordEventTypes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CloudEvents type → the live event name front ends switch on (docs/realtime-protocol.md, "Live event names").
 *
 * <ol>
 *   <li>Types listed in contracts have their contract name.</li>
 *   <li>Types of this system's producers that contracts do not list yet follow the naming convention every listed
 *       type already obeys: {@code <producer>.<entity>.<action…>.v<N>} → {@code <entity>:<action…>}. So a new type
 *       (a producer's {@code records.invoice.paid.v1} → {@code invoice:paid}) reaches clients under its proper name
 *       without an edge release.</li>
 *   <li>Anything else (other companies' types on the open topic) passes through under its CloudEvents type.</li>
 * </ol>
 * A few types are for services, not browsers, and are never delivered ({@link #of} is empty).
 *
 * <p>The one rule for a live event and for the same event replayed from its owner's history
 * ({@link dev.realtime.contracts.history.RoomEvent#of}): the edge delivers both under the same name.
 */
public final class LiveEventNames {
    // Explicit lists from contracts rather than a classpath scan: adding a type is a reviewed contract change.
    private static final Map<String, String> KNOWN = Stream.of(ChatEventTypes.ALL, ActivityEventTypes.ALL, NotificationEventTypes.ALL,
                    List.of(RecordEventTypes.RECORD_CHANGED))
            .flatMap(List::stream)
            .collect(Collectors.toUnmodifiableMap(EventType::ceType, EventType::liveName));

    private static final Set<String> NOT_DELIVERED = Set.of(
            RecordEventTypes.NOTIFICATION_REQUESTED.ceType(),
            Membership.GRANTED.ceType());
    /** The edge's own signals; a producer must not be able to inject them as events. */
    private static final String RESERVED_PREFIX = "realtime.";

    static final Pattern CONVENTION = Pattern.compile(
            "(?:chat|activity|notification|records)\\.([a-z0-9-]+(?:\\.[a-z0-9-]+)+)\\.v[0-9]+");

    private LiveEventNames() {
    }

    /** The live name, or empty when events of this type are not delivered to clients. */
    public static Optional<String> of(String ceType) {
        if (NOT_DELIVERED.contains(ceType) || ceType.startsWith(RESERVED_PREFIX)) {
            return Optional.empty();
        }
        String known = KNOWN.get(ceType);
        if (known != null) {
            return Optional.of(known);
        }
        Matcher conventional = CONVENTION.matcher(ceType);
        if (conventional.matches()) {
            return Optional.of(conventional.group(1).replace('.', ':'));
        }
        return Optional.of(ceType);
    }
}
