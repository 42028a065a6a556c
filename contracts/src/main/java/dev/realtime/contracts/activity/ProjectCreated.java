package dev.realtime.contracts.activity;

import java.time.Instant;

/** Data of {@code activity.project.created.v1}: the project and its owner (who also gets a {@code member:joined}). */
public record ProjectCreated(
        String projectId,
        String title,
        Actor owner,
        Instant createdAt) {
}
