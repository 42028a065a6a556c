package dev.realtime.contracts.records;

import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import java.util.regex.Pattern;

/**
 * Data of {@code records.notification.requested.v1}: any service asks notification-service to tell an
 * audience something ("your import finished"). {@code requestId} is the producer's idempotency key
 * (the CloudEvent id is used when it is absent).
 *
 * <p>{@link #validate()} holds the rules, so that notification-service (reading Kafka) and the edge's server API
 * (taking the request over HTTP) refuse the same requests with the same reasons.
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

    public static final int MAX_REQUEST_ID = 200;
    public static final int MAX_TITLE = 200;
    public static final int MAX_BODY = 2000;
    public static final int MAX_USERS = 10_000;
    public static final int MAX_LINK = 2000;
    /** Notification types, the requesting services' and notification-service's own alike. */
    public static final Pattern TYPE_GRAMMAR = Pattern.compile("[a-z0-9][a-z0-9:._-]{0,63}");

    /**
     * Returns this request when it can become notifications.
     *
     * @throws InvalidEventException naming the first field that breaks the contract
     */
    public NotificationRequested validate() {
        if (requestId != null && (requestId.isBlank() || requestId.length() > MAX_REQUEST_ID)) {
            throw new InvalidEventException("requestId: must be 1 to " + MAX_REQUEST_ID + " characters when given");
        }
        if (audience == null || audience.isEmpty()) {
            throw new InvalidEventException("audience: must name users, roles or all");
        }
        if (audience.users().size() > MAX_USERS) {
            throw new InvalidEventException("audience.users: more than " + MAX_USERS + " users");
        }
        try {
            audience.users().forEach(user -> Room.user(user == null ? "" : user));
        } catch (InvalidRoomException e) {
            throw new InvalidEventException("audience.users: " + e.getMessage());
        }
        try {
            audience.roles().forEach(role -> Room.role(role == null ? "" : role));
        } catch (InvalidRoomException e) {
            throw new InvalidEventException("audience.roles: " + e.getMessage());
        }
        if (!validType(type)) {
            throw new InvalidEventException("type: must match " + TYPE_GRAMMAR.pattern());
        }
        if (title == null || title.isBlank() || title.length() > MAX_TITLE) {
            throw new InvalidEventException("title: must be 1 to " + MAX_TITLE + " characters");
        }
        if (body != null && body.length() > MAX_BODY) {
            throw new InvalidEventException("body: must be at most " + MAX_BODY + " characters");
        }
        if (actorId != null) {
            try {
                Room.user(actorId);
            } catch (InvalidRoomException e) {
                throw new InvalidEventException("actorId: " + e.getMessage());
            }
        }
        if (target != null && target.link() != null && target.link().length() > MAX_LINK) {
            throw new InvalidEventException("target.link: must be at most " + MAX_LINK + " characters");
        }
        return this;
    }

    public static boolean validType(String type) {
        return type != null && TYPE_GRAMMAR.matcher(type).matches();
    }
}
