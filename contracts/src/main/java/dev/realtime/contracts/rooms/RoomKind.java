package dev.realtime.contracts.rooms;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The kinds of room. Each kind with an owning stream has exactly one owning service, whose stream
 * version becomes the {@code seq} of the room's events; the others are best effort and unsequenced. The owner serves
 * the room's events after a seq at {@link #historyPath} (a {@link dev.realtime.contracts.history.RoomEventPage}),
 * where the edge reads what a resuming client missed.
 */
public enum RoomKind {
    CONVERSATION("conversation", "chat-service", "/api/conversations/"),
    PROJECT("project", "activity-service", "/api/projects/"),
    USER("user", "notification-service", "/api/users/"),
    ROLE("role", null, null),
    ALL("all", null, null);

    /** The last segment of every owner's events endpoint, after the room's id. */
    public static final String HISTORY_SEGMENT = "/events";

    private final String prefix;
    private final String owner;
    private final String collection;

    RoomKind(String prefix, String owner, String collection) {
        this.prefix = prefix;
        this.owner = owner;
        this.collection = collection;
    }

    public String prefix() {
        return prefix;
    }

    /** The service whose event stream sequences this room, if any. */
    public Optional<String> owningService() {
        return Optional.ofNullable(owner);
    }

    public boolean hasOwningStream() {
        return owner != null;
    }

    /**
     * The path, on the owning service, of the events of the room with this id ({@code /api/conversations/<id>/events});
     * empty for a kind without an owner. Each owner's resource test reads its endpoint through this path.
     */
    public Optional<String> historyPath(String id) {
        return collection == null ? Optional.empty()
                : Optional.of(collection + URLEncoder.encode(id, StandardCharsets.UTF_8) + HISTORY_SEGMENT);
    }

    static Optional<RoomKind> ofPrefix(String prefix) {
        for (RoomKind kind : values()) {
            if (kind.prefix.equals(prefix)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
