package dev.realtime.contracts.records;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Data of {@code records.record.changed.v1}: a record in some service was created, updated or deleted.
 * {@code projectId}, when set, puts the change in that project's activity feed; {@code audience}, when set,
 * is who sees it live (otherwise the event's {@code room}). {@code fields} is free-form.
 */
public record RecordChanged(
        Target record,
        String change,
        String projectId,
        Audience audience,
        String actorName,
        JsonNode fields) {

    public static final String CREATED = "created";
    public static final String UPDATED = "updated";
    public static final String DELETED = "deleted";
}
