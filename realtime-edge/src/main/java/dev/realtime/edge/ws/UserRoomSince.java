package dev.realtime.edge.ws;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.OptionalLong;

/**
 * The upgrade's optional {@code since} query parameter: the last seq the client saw in its own room
 * {@code user:<sub>}. That room is joined on connect, before any frame of the client could ask for a resume, so a
 * reconnecting client names its position in the upgrade, and the edge replays what it missed before the room goes
 * live (docs/realtime-protocol.md#resume).
 */
final class UserRoomSince {
    static final String PARAMETER = "since";

    private UserRoomSince() {
    }

    /**
     * @return the value, or empty when the query has no {@code since}
     * @throws IllegalArgumentException when {@code since} is repeated or not an integer from 0 to 2^63-1
     */
    static OptionalLong parse(String query) {
        if (query == null || query.isEmpty()) {
            return OptionalLong.empty();
        }
        List<String> values = new QueryStringDecoder(query, false).parameters().get(PARAMETER);
        if (values == null) {
            return OptionalLong.empty();
        }
        if (values.size() != 1 || !values.get(0).matches("[0-9]{1,19}")) {
            throw new IllegalArgumentException("since must be one integer >= 0");
        }
        try {
            return OptionalLong.of(Long.parseLong(values.get(0)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("since must be one integer >= 0");
        }
    }
}
