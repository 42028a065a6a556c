package dev.realtime.activity.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.records.Target;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** Request and response bodies of the activity API (docs/activity-api.md). */
public final class ActivityDtos {
    public static final int MAX_TITLE = 200;
    public static final int MAX_TARGET_TITLE = 300;
    public static final int MAX_DETAILS_BYTES = 8192;
    /** User ids are OIDC subjects: printable ASCII without spaces or ':' (see Room). */
    static final String USER_ID = "[\\x21-\\x39\\x3B-\\x7E]{1,128}";
    static final String ENTITY_ID = "[A-Za-z0-9_-]{1,64}";
    static final String TARGET_TYPE = "[a-z][a-z0-9-]{0,31}";
    static final String CLIENT_ID = "[A-Za-z0-9._:-]{1,100}";

    private ActivityDtos() {
    }

    public record CreateProject(
            @Pattern(regexp = ENTITY_ID, message = "must be 1 to 64 letters, digits, '_' or '-'") String id,
            @NotBlank @Size(max = MAX_TITLE) String title) {
    }

    public record Rename(@NotBlank @Size(max = MAX_TITLE) String title) {
    }

    public record AddMember(
            @NotNull @Pattern(regexp = USER_ID, message = "must be a user id") String userId,
            @Pattern(regexp = "admin|member", message = "must be admin or member") String role,
            @Size(max = MAX_TITLE) String displayName) {
    }

    public record ChangeRole(@NotNull @Pattern(regexp = "admin|member", message = "must be admin or member") String role) {
    }

    public record ActorRef(
            @NotNull @Pattern(regexp = USER_ID, message = "must be a user id") String id,
            @Size(max = MAX_TITLE) String name) {
    }

    public record TargetRef(
            @NotNull @Pattern(regexp = TARGET_TYPE, message = "must be 1 to 32 lowercase letters, digits or '-', starting with a letter")
            String type,
            @NotBlank @Size(max = 200) String id,
            @NotBlank @Size(max = MAX_TARGET_TITLE) String title,
            @Size(max = 2000) String link) {
    }

    /**
     * An activity posted by another service. {@code sourceId} is the producer's idempotency key: a retry with the
     * same one records nothing new. {@code occurredAt} defaults to now; the feed is ordered by recording, not by it.
     */
    public record PostActivity(
            @NotNull String verb,
            @NotNull @Valid ActorRef actor,
            @NotNull @Valid TargetRef target,
            Instant occurredAt,
            JsonNode details,
            @Pattern(regexp = CLIENT_ID, message = "must be 1 to 100 characters of letters, digits, '.', '_', ':' or '-'")
            String sourceId) {
    }

    public record MarkSeen(@NotNull @Min(0) Long seq) {
    }

    public record Project(String id, String title, boolean archived, String ownerId, Instant createdAt, String myRole,
            long version) {
    }

    public record ProjectSummary(String id, String title, boolean archived, String myRole, long version) {
    }

    public record Member(String userId, String displayName, String role, Instant joinedAt) {
    }

    /** One feed item: who ({@code actor}) did what ({@code verb}) to which thing ({@code target}, with its link). */
    public record Activity(String id, long seq, String projectId, String verb, Actor actor, Target target,
            Instant occurredAt, JsonNode details) {
    }

    /**
     * A burst: items of one verb and target close in time. {@code actors} are the first (most recent) distinct
     * actors, {@code actorCount} all of them; {@code items} are the individual activities, newest first.
     */
    public record Group(String verb, Target target, int count, int actorCount, List<Actor> actors, Instant latestAt,
            Instant earliestAt, List<Activity> items) {
    }

    /** A grouped feed entry: a single activity, or a group of several. */
    public record Entry(String kind, Activity activity, Group group) {
        public static final String ACTIVITY = "activity";
        public static final String GROUP = "group";
    }

    /**
     * A feed page, newest first. {@code items}: the page's activities; {@code entries}: the same activities grouped,
     * only when asked ({@code group=true}). {@code next}: the {@code before} cursor of the next (older) page, absent
     * at the end. {@code latestSeq}: the project's newest seq, for a later {@code since}.
     */
    public record FeedPage(List<Activity> items, List<Entry> entries, Long next, long latestSeq) {
    }

    /** {@code unseenCount} stops at {@code activity.unseen-cap}; {@code unseenCapped} says there may be more. */
    public record Seen(long seenSeq, long unseenCount, boolean unseenCapped) {
    }
}
