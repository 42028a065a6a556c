package dev.realtime.contracts.records;

/**
 * Data of {@code records.notification.requested.v1}: any service asks notification-service to tell an
 * audience something ("your import finished"). {@code requestId} is the producer's idempotency key
 * (the CloudEvent id is used when it is absent).
 */
public record NotificationRequested(
        String requestId,
        Audience audience,
        String type,
        String title,
        String body,
        String actorId,
        String actorName,
        Target target) {
}
