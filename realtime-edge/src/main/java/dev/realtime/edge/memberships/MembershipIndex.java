package dev.realtime.edge.memberships;

import dev.realtime.contracts.rooms.Room;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Room → members, as last seen on {@code realtime.memberships}. Written by one thread (the topic reader), read
 * concurrently by every subscribe and every delivered event.
 */
// @Singleton, not @ApplicationScoped: read per session and delivered event, where a client proxy's lookup showed
// in the fan-out profile (benchmarks/README.md); it has no state to create lazily.
@Singleton
public class MembershipIndex {
    private final ConcurrentHashMap<Room, Map<String, String>> members = new ConcurrentHashMap<>();
    /** The reverse, so a user's presence change visits their rooms rather than every room. */
    private final ConcurrentHashMap<String, Set<Room>> roomsOf = new ConcurrentHashMap<>();

    public boolean isMember(Room room, String user) {
        Map<String, String> users = members.get(room);
        return users != null && users.containsKey(user);
    }

    /** The current members of a room (a snapshot). */
    public Set<String> members(Room room) {
        Map<String, String> users = members.get(room);
        return users == null ? Set.of() : Set.copyOf(users.keySet());
    }

    /** The rooms a user is a member of (a live, weakly consistent view). */
    public Set<Room> roomsOf(String user) {
        Set<Room> rooms = roomsOf.get(user);
        return rooms == null ? Set.of() : rooms;
    }

    /**
     * @param role the role in the room as the owner sent it, or "" when it sent none
     * @return whether the user was not a member until now
     */
    boolean grant(Room room, String user, String role) {
        boolean[] added = {false};
        members.compute(room, (r, users) -> {
            Map<String, String> updated = users == null ? new ConcurrentHashMap<>() : users;
            added[0] = updated.put(user, role == null ? "" : role) == null;
            return updated;
        });
        if (added[0]) {
            roomsOf.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(room);
        }
        return added[0];
    }

    /** @return whether the user was a member until now */
    boolean revoke(Room room, String user) {
        boolean[] removed = {false};
        members.computeIfPresent(room, (r, users) -> {
            removed[0] = users.remove(user) != null;
            return users.isEmpty() ? null : users;
        });
        if (removed[0]) {
            roomsOf.computeIfPresent(user, (u, rooms) -> {
                rooms.remove(room);
                return rooms.isEmpty() ? null : rooms;
            });
        }
        return removed[0];
    }

    public long size() {
        return members.values().stream().mapToLong(Map::size).sum();
    }
}
