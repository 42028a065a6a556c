package dev.realtime.contracts.rooms;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A room name, {@code kind:id} or {@code all}. This is the only place the grammar is parsed and checked.
 *
 * <ul>
 *   <li>{@code conversation:<id>}, {@code project:<id>}: id of 1 to 64 characters from {@code [A-Za-z0-9_-]}</li>
 *   <li>{@code user:<sub>}: the OIDC subject, 1 to 128 printable ASCII characters without spaces or ':'</li>
 *   <li>{@code role:<name>}: 1 to 64 characters from {@code [A-Za-z0-9._-]}</li>
 *   <li>{@code all}: no id</li>
 * </ul>
 */
public record Room(RoomKind kind, String id) {

    public static final int MAX_LENGTH = 160;
    public static final Room ALL = new Room(RoomKind.ALL, null);

    private static final Pattern ENTITY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SUBJECT = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]{1,128}");
    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public Room {
        Objects.requireNonNull(kind, "kind");
        String problem = problemWith(kind, id);
        if (problem != null) {
            throw new InvalidRoomException(problem);
        }
    }

    public static Room parse(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidRoomException("room name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidRoomException("room name is longer than " + MAX_LENGTH + " characters");
        }
        if (name.equals(RoomKind.ALL.prefix())) {
            return ALL;
        }
        int colon = name.indexOf(':');
        if (colon < 0) {
            throw new InvalidRoomException("room name must be 'kind:id' or 'all'");
        }
        String prefix = name.substring(0, colon);
        RoomKind kind = RoomKind.ofPrefix(prefix)
                .orElseThrow(() -> new InvalidRoomException(
                        "unknown room kind '" + printable(prefix) + "' (expected conversation, project, user, role or all)"));
        if (kind == RoomKind.ALL) {
            throw new InvalidRoomException("room 'all' takes no id");
        }
        return new Room(kind, name.substring(colon + 1));
    }

    public static Room conversation(String id) {
        return new Room(RoomKind.CONVERSATION, id);
    }

    public static Room project(String id) {
        return new Room(RoomKind.PROJECT, id);
    }

    public static Room user(String subject) {
        return new Room(RoomKind.USER, subject);
    }

    public static Room role(String name) {
        return new Room(RoomKind.ROLE, name);
    }

    /**
     * The rooms of a token's roles, in the order of their names: who an audience's {@code roles} reach. A role whose
     * name cannot be a room (spaces, say) simply has no room.
     */
    public static List<Room> roleRooms(Collection<String> roles) {
        List<Room> rooms = new ArrayList<>();
        roles.stream().sorted().forEach(role -> {
            try {
                rooms.add(role(role));
            } catch (InvalidRoomException e) {
                // no room for this role
            }
        });
        return rooms;
    }

    public boolean hasOwningStream() {
        return kind.hasOwningStream();
    }

    /** The canonical name, which is also the stream id of the owning stream and the Kafka record key. */
    public String name() {
        return kind == RoomKind.ALL ? kind.prefix() : kind.prefix() + ':' + id;
    }

    @Override
    public String toString() {
        return name();
    }

    private static String problemWith(RoomKind kind, String id) {
        switch (kind) {
            case ALL:
                return id == null ? null : "room 'all' takes no id";
            case CONVERSATION:
            case PROJECT:
                return matches(ENTITY_ID, id) ? null
                        : kind.prefix() + " id must be 1 to 64 characters of letters, digits, '_' or '-'";
            case USER:
                return matches(SUBJECT, id) ? null
                        : "user id must be 1 to 128 printable characters without spaces or ':'";
            case ROLE:
                return matches(ROLE_NAME, id) ? null
                        : "role name must be 1 to 64 characters of letters, digits, '.', '_' or '-'";
            default:
                throw new IllegalStateException("unhandled room kind " + kind);
        }
    }

    private static boolean matches(Pattern pattern, String id) {
        return id != null && pattern.matcher(id).matches();
    }

    /** Echo only a short, printable prefix of client input in error messages. */
    private static String printable(String raw) {
        String cut = raw.length() > 32 ? raw.substring(0, 32) + "…" : raw;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
