package dev.realtime.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.history.RoomEvent;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.live.LiveEventNames;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.notification.NotificationEventTypes;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.contracts.rooms.RoomKind;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The resume contract between each room's owner and the edge: where the history is, and what a page holds. */
class RoomHistoryContractTest {
    private static final Room ROOM = Room.parse("conversation:c-1");

    @Test
    void eachOwnedKindHasItsHistoryPathAndTheOthersNone() {
        assertEquals(Optional.of("/api/conversations/c-1/events"), RoomKind.CONVERSATION.historyPath("c-1"));
        assertEquals(Optional.of("/api/projects/p-1/events"), RoomKind.PROJECT.historyPath("p-1"));
        assertEquals(Optional.of("/api/users/auth0%7C12345/events"), RoomKind.USER.historyPath("auth0|12345"));
        assertEquals(Optional.empty(), RoomKind.ROLE.historyPath("admin"));
        assertEquals(Optional.empty(), RoomKind.ALL.historyPath(""));
    }

    @Test
    void aPageHoldsWhatTheEdgeDeliversLiveUnderTheLiveName() {
        RoomEventPage page = RoomEventPage.of(List.of(
                event(ChatEventTypes.MESSAGE_NEW.ceType(), 4, "{\"text\":\"hi\"}"),
                event(Membership.GRANTED.ceType(), 5, "{}"),
                event("chat.message.pinned.v1", 6, null)), 6, 9);
        assertEquals(List.of(4L, 6L), page.items().stream().map(RoomEvent::seq).toList(),
                "a type the edge never delivers live is not replayed either");
        assertEquals(ChatEventTypes.MESSAGE_NEW.liveName(), page.items().get(0).event());
        assertEquals("hi", page.items().get(0).data().path("text").asText());
        assertEquals("message:pinned", page.items().get(1).event(), "a new type of ours gets its conventional name");
        assertNull(page.items().get(1).data());
        assertEquals(6, page.lastSeq());
        assertTrue(page.hasMore());
        assertEquals(9L, page.head());
        assertFalse(RoomEventPage.of(List.of(), 9, 9).hasMore());
    }

    @Test
    void liveNamesComeFromTheContractsThenTheConventionThenTheTypeItself() {
        assertEquals(Optional.of("notification:new"), LiveEventNames.of(NotificationEventTypes.NOTIFICATION_NEW.ceType()));
        assertEquals(Optional.of("order:shipped"), LiveEventNames.of("records.order.shipped.v2"));
        assertEquals(Optional.of("com.example.thing.v1"), LiveEventNames.of("com.example.thing.v1"));
        assertEquals(Optional.empty(), LiveEventNames.of(Membership.GRANTED.ceType()));
        assertEquals(Optional.empty(), LiveEventNames.of("realtime.presence.v1"), "the edge's own signals");
    }

    @Test
    void thePageReadsWholeOrNotAtAllWithItemsAndLastSeqRequired() throws IOException {
        RoomEventPage page = read("{\"items\":[{\"room\":\"conversation:c-1\",\"event\":\"message:new\",\"seq\":3,"
                + "\"time\":\"2026-12-06T10:00:00.5Z\",\"later\":1}],\"lastSeq\":3,\"hasMore\":false}");
        assertEquals(3L, page.items().get(0).seq());
        assertEquals(OffsetDateTime.parse("2026-12-06T10:00:00.5Z"), page.items().get(0).time());
        assertNull(page.head(), "an owner that does not report its head");
        for (String notAPage : List.of("{\"lastSeq\":3}", "{\"items\":[]}", "{\"items\":[],\"lastSeq\":null}",
                "{\"items\":null,\"lastSeq\":3}", "{\"items\":[null],\"lastSeq\":3}",
                "{\"items\":[{\"seq\":\"x\"}],\"lastSeq\":3}", "{\"items\":[{\"time\":\"noon\"}],\"lastSeq\":3}",
                "[]", "not json")) {
            assertThrows(IOException.class, () -> read(notAPage), notAPage);
        }
    }

    private static RoomEventPage read(String json) throws IOException {
        return RoomEventPage.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private static IntegrationEvent event(String type, long seq, String data) {
        return new IntegrationEvent("e-" + seq, URI.create("/chat-service"), type, OffsetDateTime.now(), ROOM, seq,
                "alice", data == null ? null : data.getBytes(StandardCharsets.UTF_8), null);
    }
}
