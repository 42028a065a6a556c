package dev.realtime.edge.socketio;

import dev.realtime.contracts.rooms.Room;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Socket.IO's connection state recovery, done with the edge's resume: the {@code offset} a socket.io-client keeps
 * (the last argument of the last event it handled) describes the whole session, every room and how far the client
 * got in it, so any instance, after any restart, can replay what the client missed. It holds no room names, only a
 * short hash of each: the edge resolves them against the rooms the user may enter now, so the offset is a hint from
 * the client, never a credential (a forged one can only replay what the user may read anyway).
 *
 * <p>Format: {@code 1.u<seq>[.<h8><seq>]*}: the user's own room first, then each joined conversation or project room,
 * {@code <h8>} the first 48 bits of SHA-256 of its name in base64url; a seq left out means the position is unknown.
 * docs/socketio.md, "Connection state recovery".
 */
final class RecoveryOffset {
    /** A position the edge does not know (no window nor owner told the room's head when it was joined). */
    static final long UNKNOWN = -1;
    static final int MAX_LENGTH = 4096;
    static final int MAX_PID_LENGTH = 64;
    private static final String VERSION = "1";
    private static final int HASH_LENGTH = 8;
    private static final Pattern SEQ = Pattern.compile("[0-9]{1,18}");
    private static final Pattern HASH = Pattern.compile("[A-Za-z0-9_-]{" + HASH_LENGTH + "}");
    private static final Pattern PID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_PID_LENGTH + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private RecoveryOffset() {
    }

    /** One joined room of a decoded offset: its hash and position. */
    record Entry(String hash, long seq) {
    }

    /** A decoded offset: the user's own room's position, then the joined rooms'. */
    record Decoded(long userSeq, List<Entry> rooms) {
    }

    /** A fresh private session id: 128 random bits, base64url. */
    static String newPid() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** Whether a client's pid has the form of one this edge hands out (it is only compared, never looked up). */
    static boolean isPid(String pid) {
        return pid != null && PID.matcher(pid).matches();
    }

    /** A joined room's position as a session's wire keeps it, with the room's hash made once. */
    static final class Position {
        final String hash;
        long seq;

        Position(Room room, long seq) {
            this.hash = hash(room);
            this.seq = seq;
        }
    }

    /** The offset of a session whose own room is at {@code userSeq} and whose joined rooms are at {@code rooms}. */
    static String encode(long userSeq, Collection<Position> rooms) {
        StringBuilder offset = new StringBuilder(4 + 12 * (rooms.size() + 1)).append(VERSION).append(".u");
        appendSeq(offset, userSeq);
        for (Position room : rooms) {
            appendSeq(offset.append('.').append(room.hash), room.seq);
        }
        return offset.toString();
    }

    private static void appendSeq(StringBuilder offset, long seq) {
        if (seq != UNKNOWN) {
            offset.append(seq);
        }
    }

    /** The offset's entries, or null when it is not one this edge wrote (too long, too many rooms, malformed). */
    static Decoded decode(String offset, int maxRooms) {
        if (offset == null || offset.length() > MAX_LENGTH) {
            return null;
        }
        String[] parts = offset.split("\\.", -1);
        if (parts.length < 2 || parts.length - 2 > maxRooms || !VERSION.equals(parts[0])
                || !parts[1].startsWith("u")) {
            return null;
        }
        Long userSeq = seqOf(parts[1].substring(1));
        if (userSeq == null) {
            return null;
        }
        List<Entry> rooms = new ArrayList<>(parts.length - 2);
        for (int i = 2; i < parts.length; i++) {
            String part = parts[i];
            if (part.length() < HASH_LENGTH || !HASH.matcher(part.substring(0, HASH_LENGTH)).matches()) {
                return null;
            }
            Long seq = seqOf(part.substring(HASH_LENGTH));
            if (seq == null) {
                return null;
            }
            rooms.add(new Entry(part.substring(0, HASH_LENGTH), seq));
        }
        return new Decoded(userSeq, rooms);
    }

    /** A seq as written, {@link #UNKNOWN} when left out, null when it is not a seq. */
    private static Long seqOf(String digits) {
        if (digits.isEmpty()) {
            return UNKNOWN;
        }
        return SEQ.matcher(digits).matches() ? Long.parseLong(digits) : null;
    }

    /**
     * The rooms among {@code candidates} that the entries name, with their positions, in the entries' order; an entry
     * that names none of them (a room the user has left meanwhile, say) is left out.
     */
    static Map<Room, Long> resolve(List<Entry> entries, Collection<Room> candidates) {
        if (entries.isEmpty()) {
            return Map.of();
        }
        Map<String, Room> byHash = new HashMap<>();
        for (Room room : candidates) {
            byHash.put(hash(room), room);
        }
        Map<Room, Long> resolved = new LinkedHashMap<>();
        for (Entry entry : entries) {
            Room room = byHash.get(entry.hash());
            if (room != null) {
                resolved.putIfAbsent(room, entry.seq());
            }
        }
        return resolved;
    }

    static String hash(Room room) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(room.name().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
