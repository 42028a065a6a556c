package dev.realtime.activity.model;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The activity vocabulary. A verb is either one of the core verbs, or an extension verb in the namespace form
 * {@code <namespace>.<noun>:<action>} (e.g. {@code studio.mix:exported}), which any producer may use without a
 * deploy of this service. Some core verbs are only ever produced by this service from its own sources.
 */
public final class Verbs {
    public static final String MEMBER_JOINED = "member:joined";
    public static final String MEMBER_LEFT = "member:left";
    public static final String CONVERSATION_CREATED = "conversation:created";
    public static final String RECORD_CHANGED = "record:changed";
    public static final String COMMENT_REPLY = "comment:reply";

    public static final Set<String> CORE = Set.of("file:uploaded", "comment:created", COMMENT_REPLY, "cut:created",
            "cut:moved", "cut:deleted", "vibe:created", MEMBER_JOINED, MEMBER_LEFT, CONVERSATION_CREATED,
            RECORD_CHANGED);

    /** Produced from memberships, chat.events and records.events only: a POST may not forge them. */
    public static final Set<String> RESERVED = Set.of(MEMBER_JOINED, MEMBER_LEFT, CONVERSATION_CREATED, RECORD_CHANGED);

    private static final Pattern EXTENSION =
            Pattern.compile("[a-z][a-z0-9-]{0,31}\\.[a-z][a-z0-9-]{0,31}:[a-z][a-z0-9-]{0,31}");

    private Verbs() {
    }

    /** Why {@code verb} may not be posted, or null when it may. */
    public static String refusal(String verb) {
        if (verb == null || verb.isBlank()) {
            return "must not be blank";
        }
        if (RESERVED.contains(verb)) {
            return "is recorded by activity-service itself and cannot be posted";
        }
        if (CORE.contains(verb) || EXTENSION.matcher(verb).matches()) {
            return null;
        }
        return "must be a core verb (" + String.join(", ", CORE.stream().filter(v -> !RESERVED.contains(v)).sorted().toList())
                + ") or an extension verb '<namespace>.<noun>:<action>' of lowercase letters, digits and '-'";
    }
}
