package dev.realtime.contracts.activity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.records.Target;
import java.time.Instant;

/**
 * Data of {@code activity.activity.new.v1}: who ({@code actor}) did what ({@code verb}, e.g.
 * {@code comment:created}) to which thing ({@code target}, whose {@code link} is the deep link) in which
 * project. {@code details} is free-form; for {@code comment:reply} it carries {@code replyToAuthorId},
 * the author of the comment replied to.
 */
public record ActivityNew(
        String activityId,
        String projectId,
        String verb,
        Actor actor,
        Target target,
        Instant occurredAt,
        JsonNode details) {

    public static final String REPLY_TO_AUTHOR = "replyToAuthorId";
}
