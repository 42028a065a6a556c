package dev.realtime.contracts.activity;

import java.time.Instant;

/**
 * Data of the {@code activity.member.*} events: {@code userId} joined, left or changed role in the project
 * {@code projectTitle}; {@code actor} is who did it (the member themself when they joined or left on their own).
 */
public record MemberChanged(
        String activityId,
        String projectId,
        String projectTitle,
        String userId,
        String role,
        Actor actor,
        Instant occurredAt) {
}
