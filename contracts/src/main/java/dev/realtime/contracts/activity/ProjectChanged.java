package dev.realtime.contracts.activity;

import java.time.Instant;

/**
 * Data of {@code activity.project.renamed.v1} (with the new {@code title}) and {@code activity.project.archived.v1}
 * ({@code archived} true, no title); {@code actor} is who did it.
 */
public record ProjectChanged(
        String projectId,
        String title,
        boolean archived,
        Actor actor,
        Instant occurredAt) {
}
