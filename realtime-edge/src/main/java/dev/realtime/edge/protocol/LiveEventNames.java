package dev.realtime.edge.protocol;

import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.events.EventType;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CloudEvents type → the live event name front ends switch on. Types that are not listed (other companies'
 * record changes on the open topic, or a new version the edge does not know yet) pass through under their
 * CloudEvents type, so a producer never needs an edge release to reach clients.
 */
public final class LiveEventNames {
    // Explicit lists from contracts rather than a classpath scan: adding a type is a reviewed contract change.
    private static final Map<String, String> KNOWN = Stream.of(ChatEventTypes.ALL)
            .flatMap(List::stream)
            .collect(Collectors.toUnmodifiableMap(EventType::ceType, EventType::liveName));

    private LiveEventNames() {
    }

    public static String of(String ceType) {
        return KNOWN.getOrDefault(ceType, ceType);
    }
}
