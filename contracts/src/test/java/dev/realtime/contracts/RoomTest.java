package dev.realtime.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.contracts.rooms.RoomKind;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RoomTest {

    @ParameterizedTest
    @CsvSource({
        "conversation:c-42, CONVERSATION, c-42",
        "project:P_1, PROJECT, P_1",
        "user:4f0c2a1e-99b1-4c1e-8f1a-0a1b2c3d4e5f, USER, 4f0c2a1e-99b1-4c1e-8f1a-0a1b2c3d4e5f",
        "user:auth0|12345, USER, auth0|12345",
        "role:team.lead, ROLE, team.lead",
    })
    void parsesEveryKindAndPrintsItBack(String name, RoomKind kind, String id) {
        Room room = Room.parse(name);
        assertEquals(kind, room.kind());
        assertEquals(id, room.id());
        assertEquals(name, room.name());
    }

    @Test
    void allIsTheOnlyRoomWithoutAnId() {
        assertSame(Room.ALL, Room.parse("all"));
        assertEquals("all", Room.ALL.name());
        assertTrue(Room.parse("conversation:x").hasOwningStream());
        assertTrue(!Room.ALL.hasOwningStream() && !Room.role("admin").hasOwningStream());
    }

    @Test
    void aTokensRolesAreRoomsInNameOrderWithoutTheRolesThatCannotBeRooms() {
        assertEquals(List.of(Room.role("admin"), Room.role("team.lead")),
                Room.roleRooms(Set.of("team.lead", "a b", "admin", "x:y", "")));
        assertEquals(List.of(), Room.roleRooms(Set.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "conversation", "conversation:", "chat:c-1", "all:x", ":c-1", "conversation:a b",
        "conversation:a:b", "project:é", "user:", "user:a b", "role:a/b", "CONVERSATION:c-1",
    })
    void refusesMalformedNamesWithAReason(String name) {
        InvalidRoomException e = assertThrows(InvalidRoomException.class, () -> Room.parse(name));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void refusesOverlongNamesAndIdsAndNull() {
        assertThrows(InvalidRoomException.class, () -> Room.parse(null));
        assertThrows(InvalidRoomException.class, () -> Room.parse("conversation:" + "x".repeat(65)));
        assertThrows(InvalidRoomException.class, () -> Room.parse("user:" + "x".repeat(200)));
    }

    @Test
    void reasonNamesTheProblemWithoutEchoingLongInput() {
        InvalidRoomException e = assertThrows(InvalidRoomException.class, () -> Room.parse("chat:1"));
        assertEquals("unknown room kind 'chat' (expected conversation, project, user, role or all)", e.getMessage());
        InvalidRoomException e2 = assertThrows(InvalidRoomException.class,
                () -> Room.parse("x".repeat(100) + ":1"));
        assertTrue(e2.getMessage().length() < 120, e2.getMessage());
    }
}
