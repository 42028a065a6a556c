package dev.realtime.contracts.records;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.realtime.contracts.rooms.Room;
import java.util.ArrayList;
import java.util.List;

/**
 * Who an event on {@code records.events} is for: user ids, role names, or everyone. The rooms are
 * {@code user:<id>}, {@code role:<name>} and {@code all}; a name that is not a valid room part is refused.
 */
public record Audience(List<String> users, List<String> roles, boolean all) {

    public Audience {
        users = users == null ? List.of() : List.copyOf(users);
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    public static Audience ofUsers(String... users) {
        return new Audience(List.of(users), List.of(), false);
    }

    public static Audience ofRoles(String... roles) {
        return new Audience(List.of(), List.of(roles), false);
    }

    public static Audience everyone() {
        return new Audience(List.of(), List.of(), true);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return !all && users.isEmpty() && roles.isEmpty();
    }

    /** The rooms this audience names; {@code all} alone when it is everyone. */
    public List<Room> rooms() {
        if (all) {
            return List.of(Room.ALL);
        }
        List<Room> rooms = new ArrayList<>(users.size() + roles.size());
        users.forEach(user -> rooms.add(Room.user(user)));
        roles.forEach(role -> rooms.add(Room.role(role)));
        return rooms;
    }
}
