package dev.realtime.notification.model;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

/**
 * A user's notification settings. Muting a conversation drops its messages but not mentions of the user
 * (unless the type {@code mention} is muted too); muting a project drops comment replies in it and messages of
 * its conversations. Quiet hours hold back digest e-mails, never the live feed.
 */
public record Preferences(boolean emailEnabled, Set<String> mutedTypes, Set<String> mutedConversations,
        Set<String> mutedProjects, QuietHours quietHours) {

    public static final Preferences DEFAULT = new Preferences(true, Set.of(), Set.of(), Set.of(), null);

    /** Every day from {@code start} to {@code end} (which may be the next morning) in {@code zone}. */
    public record QuietHours(LocalTime start, LocalTime end, ZoneId zone) {
        public boolean covers(java.time.Instant instant) {
            LocalTime local = ZonedDateTime.ofInstant(instant, zone).toLocalTime();
            if (start.equals(end)) {
                return false;
            }
            return start.isBefore(end)
                    ? !local.isBefore(start) && local.isBefore(end)
                    : !local.isBefore(start) || local.isBefore(end);
        }
    }

    public boolean mutes(String type) {
        return mutedTypes.contains(type);
    }

    /** Whether a plain message (not a mention) of this conversation is muted. */
    public boolean mutesMessage(String conversationId, String projectId) {
        return mutes(Types.MESSAGE) || mutedConversations.contains(conversationId)
                || (projectId != null && mutedProjects.contains(projectId));
    }

    public List<String> mutedTypeList() {
        return List.copyOf(mutedTypes);
    }
}
