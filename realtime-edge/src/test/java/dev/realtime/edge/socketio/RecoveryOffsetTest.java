package dev.realtime.edge.socketio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.rooms.Room;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The offset's grammar and limits, and how its room hashes resolve (docs/socketio.md, "Connection state recovery"). */
class RecoveryOffsetTest {
    private static final Room A = Room.conversation("a");
    private static final Room B = Room.project("b");

    @Test
    void anOffsetRoundTripsWithKnownAndUnknownPositions() {
        String offset = RecoveryOffset.encode(331, List.of(new RecoveryOffset.Position(A, 12),
                new RecoveryOffset.Position(B, RecoveryOffset.UNKNOWN)));
        assertTrue(offset.matches("1\\.u331\\.[A-Za-z0-9_-]{8}12\\.[A-Za-z0-9_-]{8}"), offset);
        RecoveryOffset.Decoded decoded = RecoveryOffset.decode(offset, 100);
        assertEquals(331, decoded.userSeq());
        Map<Room, Long> resolved = RecoveryOffset.resolve(decoded.rooms(), List.of(B, A, Room.conversation("other")));
        assertEquals(List.of(A, B), new ArrayList<>(resolved.keySet()), "in the offset's order");
        assertEquals(12L, resolved.get(A));
        assertEquals(RecoveryOffset.UNKNOWN, resolved.get(B));
        assertEquals("1.u", RecoveryOffset.encode(RecoveryOffset.UNKNOWN, List.of()));
        assertEquals(RecoveryOffset.UNKNOWN, RecoveryOffset.decode("1.u", 100).userSeq());
    }

    @Test
    void aRoomTheUserIsNotInResolvesToNothing() {
        String offset = RecoveryOffset.encode(1, List.of(new RecoveryOffset.Position(A, 5)));
        assertTrue(RecoveryOffset.resolve(RecoveryOffset.decode(offset, 100).rooms(), List.of(B)).isEmpty());
        assertNotEquals(RecoveryOffset.hash(A), RecoveryOffset.hash(Room.conversation("A")));
    }

    @Test
    void anythingElseIsNoOffset() {
        String hash = RecoveryOffset.hash(A);
        for (String bad : new String[] {"", "1", "1.", "2.u1", "1.x1", "1.u-1", "1.u1x", "1.u1.short", "1.u1." + hash
                + "1x", "1.u1..", "1.u1." + "ABCDEFG!" + "1", "1.u" + "9".repeat(19), "1.u1." + hash + "1."}) {
            assertNull(RecoveryOffset.decode(bad, 100), bad);
        }
        List<RecoveryOffset.Position> positions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            positions.add(new RecoveryOffset.Position(Room.conversation("r" + i), i));
        }
        String four = RecoveryOffset.encode(1, positions);
        assertEquals(4, RecoveryOffset.decode(four, 4).rooms().size());
        assertNull(RecoveryOffset.decode(four, 3), "more rooms than a session may be in");
        assertNull(RecoveryOffset.decode("1.u1." + (hash + "1.").repeat(500) + hash, 1000), "over 4 KiB");
        assertNull(RecoveryOffset.decode(null, 100));
    }

    @Test
    void pidsAreRandomAndOnlyTheirFormIsChecked() {
        String pid = RecoveryOffset.newPid();
        assertEquals(22, pid.length());
        assertNotEquals(pid, RecoveryOffset.newPid());
        assertTrue(RecoveryOffset.isPid(pid));
        assertFalse(RecoveryOffset.isPid(null));
        assertFalse(RecoveryOffset.isPid(""));
        assertFalse(RecoveryOffset.isPid("a b"));
        assertFalse(RecoveryOffset.isPid("x".repeat(65)));
    }
}
