package dev.realtime.contracts.history;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import java.io.IOException;
import java.util.List;

/**
 * A page of a room's events after a seq, the answer of each owner's events endpoint
 * ({@link dev.realtime.contracts.rooms.RoomKind#historyPath}) and what the edge reads to resume a client. One type
 * on both sides, so a renamed field fails to compile or to parse instead of breaking resume silently.
 *
 * @param items   the events with {@code seq > after}, oldest first (those the edge delivers, see {@link RoomEvent#of})
 * @param lastSeq the last stream version read: the {@code after} of the next page
 * @param hasMore whether the stream goes on past {@code lastSeq}
 * @param head    the stream's version when it was read, the seq of its newest event (0 for none); null from an owner
 *                that does not report it
 */
public record RoomEventPage(@JsonProperty(required = true) List<RoomEvent> items,
        @JsonProperty(required = true) long lastSeq, boolean hasMore, Long head) {

    /** Parameters of the events endpoint. */
    public static final String AFTER = "after";
    public static final String LIMIT = "limit";
    /**
     * The header naming the member a read is for, when the caller reads on that member's behalf (the edge resuming
     * the member's client). Only a caller holding {@link #READER_ROLE} may send it; the owner checks the named
     * member's membership as it checks a member's own token.
     */
    public static final String ON_BEHALF_OF = "X-On-Behalf-Of";
    /** The role of a service that reads rooms' events on members' behalf. */
    public static final String READER_ROLE = "history-reader";

    private static final ObjectReader READER = Json.mapper().readerFor(RoomEventPage.class)
            .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /**
     * Reads a page as the edge does: the whole page or nothing. {@code items} and {@code lastSeq} must be there (not
     * null), every item must read (a {@code seq} or {@code time} that does not parse fails the page), and unknown
     * fields are ignored. A page that does not read is not used: the resume says the history is unavailable.
     *
     * @throws IOException when the body is not such a page
     */
    public static RoomEventPage read(byte[] body) throws IOException {
        RoomEventPage page = READER.readValue(body);
        if (page.items() == null || page.items().contains(null)) {
            throw new IOException("not an events page: items missing or null");
        }
        return page;
    }

    /**
     * The page of {@code events} (the stream's events read after {@code after}, as integration events), where
     * {@code lastRead} is the version of the last stored event read and {@code head} the stream's version.
     */
    public static RoomEventPage of(List<IntegrationEvent> events, long lastRead, long head) {
        List<RoomEvent> items = events.stream().flatMap(event -> RoomEvent.of(event).stream()).toList();
        return new RoomEventPage(items, lastRead, lastRead < head, head);
    }
}
