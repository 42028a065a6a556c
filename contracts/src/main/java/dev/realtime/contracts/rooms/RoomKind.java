package dev.realtime.contracts.rooms;

import java.util.Optional;

/**
 * The kinds of room. Each kind with an owning stream has exactly one owning service, whose stream
 * version becomes the {@code seq} of the room's events; the others are best effort and unsequenced.
 */
public enum RoomKind {
    CONVERSATION("conversation", "chat-service"),
    PROJECT("project", "activity-service"),
    USER("user", "notification-service"),
    ROLE("role", null),
    ALL("all", null);

    private final String prefix;
    private final String owner;

    RoomKind(String prefix, String owner) {
        this.prefix = prefix;
        this.owner = owner;
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

    static Optional<RoomKind> ofPrefix(String prefix) {
        for (RoomKind kind : values()) {
            if (kind.prefix.equals(prefix)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
