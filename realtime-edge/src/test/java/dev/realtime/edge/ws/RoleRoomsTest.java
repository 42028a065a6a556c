package dev.realtime.edge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.realtime.contracts.rooms.Room;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Connections with the same roles share one role set and its rooms; what each gets is what it would get alone. */
class RoleRoomsTest {

    @Test
    void equalRoleSetsShareOneCopyAndItsRooms() {
        RoleRooms.Known known = new RoleRooms.Known();
        RoleRooms first = known.of(new HashSet<>(List.of("user", "admin")));
        RoleRooms second = known.of(Set.of("admin", "user"));
        assertSame(first, second);
        assertEquals(Set.of("user", "admin"), first.roles());
        assertEquals(List.of(Room.role("admin"), Room.role("user")), first.rooms());

        RoleRooms other = known.of(Set.of("user"));
        assertNotSame(first, other);
        assertEquals(List.of(Room.role("user")), other.rooms());
    }

    @Test
    void aRoleThatCannotBeARoomHasNone() {
        RoleRooms roles = new RoleRooms.Known().of(Set.of("user", "not a room"));
        assertEquals(Set.of("user", "not a room"), roles.roles());
        assertEquals(List.of(Room.role("user")), roles.rooms());
    }

    @Test
    void pastTheLimitEachConnectionGetsItsOwnCopy() {
        RoleRooms.Known known = new RoleRooms.Known();
        for (int i = 0; i < RoleRooms.Known.MAX_KNOWN; i++) {
            known.of(Set.of("role-" + i));
        }
        RoleRooms first = known.of(Set.of("late"));
        RoleRooms second = known.of(Set.of("late"));
        assertNotSame(first, second, "a role set past the limit was kept");
        assertEquals(first, second);
        assertSame(known.of(Set.of("role-0")), known.of(Set.of("role-0")), "a known role set is no longer shared");
    }
}
