package dev.realtime.edge.delivery;

import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.InvalidEventException;
import dev.realtime.contracts.live.LiveEventNames;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.records.RecordChanged;
import dev.realtime.contracts.records.RecordEventTypes;
import dev.realtime.contracts.rooms.InvalidRoomException;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.protocol.OutboundFrame;
import dev.realtime.edge.protocol.ServerFrames;
import dev.realtime.edge.resume.RoomHistory;
import dev.realtime.edge.rooms.RoomAccess;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/** Hands one event to the local sessions of its room, or of its audience for record changes. */
@ApplicationScoped
public class Fanout {
    private static final Logger LOG = Logger.getLogger(Fanout.class);
    @Inject
    RoomRegistry rooms;
    @Inject
    RoomAccess access;
    @Inject
    RoomHistory history;
    @Inject
    DeliverySpans spans;
    /** At most this many ids, for at most this long: a repeat after either is delivered again. */
    private final RecentEventIds recentUnsequenced = new RecentEventIds(100_000, Duration.ofMinutes(10));

    /**
     * @param record the Kafka record the event was read from (its trace context), or null
     * @return the number of sessions the frame was queued to
     * @throws InvalidEventException when the event's data is not JSON, or a record change's audience is malformed
     */
    public int deliver(IntegrationEvent event, ConsumerRecord<?, ?> record) {
        Optional<String> liveName = LiveEventNames.of(event.type());
        if (liveName.isEmpty()) {
            return 0;
        }
        long gapAfter = RoomHistory.IN_ORDER;
        if (event.seq() != null && event.room().hasOwningStream()) {
            gapAfter = history.record(event);
            if (gapAfter == RoomHistory.DUPLICATE) {
                // A redelivery of a seq this room already had: every client saw it (or will, through a resume).
                return 0;
            }
        } else if (!recentUnsequenced.firstTime(event, System.nanoTime())) {
            // The same event (source and id) produced again: a producer's retry.
            return 0;
        }
        List<Room> targets = targetRooms(event);
        if (targets.size() == 1) {
            return deliverTo(event, record, targets.get(0), liveName.get(), gapAfter);
        }
        // A user can be in several audience rooms (user:bob and role:admin): one frame per session, through the
        // first room that reaches it.
        Map<Session, Room> reached = new LinkedHashMap<>();
        for (Room room : targets) {
            for (Session session : rooms.subscribersOf(room)) {
                reached.putIfAbsent(session, room);
            }
        }
        if (reached.isEmpty()) {
            return 0;
        }
        Span span = spans.start(record, event, targets.stream().map(Room::name).toList(), reached.size());
        int[] outcomes = new int[4];
        Map<Room, OutboundFrame> frames = new HashMap<>();
        for (Map.Entry<Session, Room> entry : reached.entrySet()) {
            outcomes[entry.getKey().deliver(entry.getValue(), null, frames.computeIfAbsent(entry.getValue(),
                    room -> eventFrame(event, room, liveName.get())))]++;
        }
        DeliverySpans.end(span, outcomes, 0);
        return reached.size();
    }

    /** Rendered and encoded once per event and room; every session of the room writes the same bytes. */
    private static OutboundFrame eventFrame(IntegrationEvent event, Room room, String liveName) {
        return OutboundFrame.text(ServerFrames.event(event, room, liveName));
    }

    /** A record change with an audience goes to the audience's rooms instead of its {@code ce_room}. */
    private static List<Room> targetRooms(IntegrationEvent event) {
        if (!RecordEventTypes.RECORD_CHANGED.ceType().equals(event.type())) {
            return List.of(event.room());
        }
        RecordChanged change = event.dataAs(RecordChanged.class);
        Audience audience = change.audience();
        if (audience == null || audience.isEmpty()) {
            return List.of(event.room());
        }
        try {
            return audience.rooms();
        } catch (InvalidRoomException e) {
            throw new InvalidEventException("invalid audience: " + e.getMessage());
        }
    }

    /**
     * {@code gapAfter}: unless {@link RoomHistory#IN_ORDER}, seqs after it are missing before this event (a producer
     * skipped them, or they come later, out of order, and will be dropped): each subscriber is told to reload the
     * room after it ({@code resync}) before the event, so a gap is never silent.
     */
    private int deliverTo(IntegrationEvent event, ConsumerRecord<?, ?> record, Room room, String liveName,
            long gapAfter) {
        Set<Session> subscribers = rooms.subscribersOf(room);
        if (subscribers.isEmpty()) {
            // Every instance reads every event; most rooms have nobody here, so don't even render.
            return 0;
        }
        Span span = spans.start(record, event, List.of(room.name()), subscribers.size());
        OutboundFrame frame = eventFrame(event, room, liveName);
        Long seq = room.equals(event.room()) ? event.seq() : null;
        OutboundFrame resync = gapAfter >= 0
                ? OutboundFrame.text(ServerFrames.resync(room.name(), gapAfter, ServerFrames.SEQ_GAP))
                : null;
        int sent = 0;
        int[] outcomes = new int[4];
        for (Session session : subscribers) {
            // Re-checked per event: a revocation may still be on its way to this session's unsubscribe, and
            // nothing of the room may reach a user who is no longer in it.
            if (access.stillMayReceive(session, room)) {
                if (resync != null) {
                    session.deliver(room, null, resync);
                }
                outcomes[session.deliver(room, seq, frame)]++;
                sent++;
            }
        }
        DeliverySpans.end(span, outcomes, subscribers.size() - sent);
        if (resync != null) {
            LOG.infof("Seqs of %s after %d are missing before %d: %d subscribers here told to reload", room, gapAfter,
                    event.seq(), sent);
        }
        return sent;
    }
}
