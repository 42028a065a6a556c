package dev.realtime.edge.ws;

import dev.realtime.contracts.rooms.Room;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The roles of a connection's user and the rooms they put it in, shared by every connection with the same roles: a
 * deployment has a few role sets and many thousands of connections, and each kept its own copy of the set, of its
 * role names and of its role rooms (about 100 bytes of every idle connection, issue 18).
 *
 * @param roles immutable
 * @param rooms the rooms of {@code roles} ({@link Room#roleRooms}), immutable
 */
record RoleRooms(Set<String> roles, List<Room> rooms) {

    /** Role sets known, up to {@link #MAX_KNOWN}; past that, a connection gets its own (nothing grows unbounded). */
    static final class Known {
        static final int MAX_KNOWN = 1_024;
        private final ConcurrentMap<Set<String>, RoleRooms> known = new ConcurrentHashMap<>();

        RoleRooms of(Set<String> roles) {
            RoleRooms shared = known.get(roles);
            if (shared != null) {
                return shared;
            }
            RoleRooms made = new RoleRooms(Set.copyOf(roles), List.copyOf(Room.roleRooms(roles)));
            if (known.size() >= MAX_KNOWN) {
                return made;
            }
            shared = known.putIfAbsent(made.roles(), made);
            return shared != null ? shared : made;
        }
    }
}
