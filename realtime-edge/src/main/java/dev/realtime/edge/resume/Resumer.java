package dev.realtime.edge.resume;

import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.history.RoomEvent;
import dev.realtime.contracts.live.LiveEventNames;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.protocol.ServerFrames;
import dev.realtime.edge.rooms.RoomAccess;
import dev.realtime.edge.rooms.Session;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Replays what a client missed in a room, after the {@code since} it names: from this instance's window when it
 * reaches back far enough, otherwise from the room's owning service, page by page. The session holds the room's
 * live frames meanwhile ({@link Session#holdLive}) and releases them after the replay, skipping every seq already
 * sent: a stored event is either in the owner's answer or published later, and then held, so nothing falls between.
 */
@ApplicationScoped
public class Resumer {
    private static final Logger LOG = Logger.getLogger(Resumer.class);

    public static final String HISTORY_UNAVAILABLE = "history.unavailable";
    public static final String ROOM_UNSEQUENCED = "room.unsequenced";
    /** More events to replay than a recovery sends before its CONNECT answer ({@code realtime.socketio.recovery-max-events}). */
    public static final String TOO_LONG = "resume.too_long";
    /** A recovering Socket.IO client had no position in the room (none was known when it joined). */
    public static final String NO_POSITION = "resume.no_position";
    /**
     * A subscribe with since for a room that was already live on the connection past it (the automatic user room,
     * resumed by a subscribe instead of the upgrade's since): what came before the first live seq cannot arrive in
     * order any more.
     */
    public static final String LIVE_BEFORE_RESUME = "live.before.resume";

    /** How a resume ended; {@code reason} says why it is incomplete. */
    public record Outcome(long since, boolean complete, String reason) {
    }

    @Inject
    RoomHistory history;
    @Inject
    OwnerHistory owner;
    @Inject
    RoomAccess access;
    @Inject
    EdgeConfig config;
    @Inject
    ResumeSpans spans;

    /** Replays {@code room} after {@code since} to a session that joined it with its live frames held. */
    public Uni<Outcome> replay(Session session, Room room, long since) {
        if (!room.hasOwningStream()) {
            return Uni.createFrom().item(new Outcome(since, false, ROOM_UNSEQUENCED));
        }
        RoomHistory.Snapshot window = history.since(room, since);
        if (window.covers(since)) {
            return session.replay(room, frames(window.events(), room))
                    .replaceWith(new Outcome(since, true, null));
        }
        Optional<String> endpoint = owner.endpoint(room);
        if (endpoint.isEmpty()) {
            return Uni.createFrom().item(new Outcome(since, false, HISTORY_UNAVAILABLE));
        }
        return fromOwner(session, room, endpoint.get(), since, config.resume().maxFetch(),
                frames -> session.replay(room, frames));
    }

    /** A resume's events, collected instead of sent, and how it ended. */
    public record Collected(List<Map.Entry<Long, String>> frames, Outcome outcome) {
    }

    /**
     * What {@link #replay} would send, collected in memory (seq, frame) instead, at most {@code budget} events: the
     * caller decides whether the resume is complete before anything goes out (Socket.IO's recovery answers CONNECT
     * with that first). More than {@code budget} to replay is incomplete ({@link #TOO_LONG}).
     */
    public Uni<Collected> collect(Session session, Room room, long since, int budget) {
        if (!room.hasOwningStream()) {
            return Uni.createFrom().item(new Collected(List.of(), new Outcome(since, false, ROOM_UNSEQUENCED)));
        }
        RoomHistory.Snapshot window = history.since(room, since);
        if (window.covers(since)) {
            List<Map.Entry<Long, String>> frames = frames(window.events(), room);
            return Uni.createFrom().item(frames.size() > budget
                    ? new Collected(List.of(), new Outcome(since, false, TOO_LONG))
                    : new Collected(frames, new Outcome(since, true, null)));
        }
        Optional<String> endpoint = owner.endpoint(room);
        if (endpoint.isEmpty()) {
            return Uni.createFrom().item(new Collected(List.of(), new Outcome(since, false, HISTORY_UNAVAILABLE)));
        }
        List<Map.Entry<Long, String>> collected = new ArrayList<>();
        return fromOwner(session, room, endpoint.get(), since, budget, frames -> {
            collected.addAll(frames);
            return Uni.createFrom().voidItem();
        }).map(outcome -> new Collected(outcome.complete() ? collected : List.of(), outcome));
    }

    /** The owner's events after {@code since}, page by page into {@code sink}, at most {@code limit} of them. */
    private Uni<Outcome> fromOwner(Session session, Room room, String endpoint, long since, int limit,
            Function<List<Map.Entry<Long, String>>, Uni<Void>> sink) {
        Span span = spans.start(room, since);
        TraceParent trace = ResumeSpans.traceParent(span);
        AtomicInteger replayed = new AtomicInteger();
        return fetch(session, room, endpoint, since, since, trace, replayed, limit, sink)
                .onFailure(OwnerHistory.Unavailable.class).recoverWithItem(failure -> {
                    LOG.infof("Resume of %s for user %s after seq %d is incomplete: %s", room, session.user(), since,
                            failure.getMessage());
                    return new Outcome(since, false, HISTORY_UNAVAILABLE);
                })
                .onItemOrFailure().invoke((outcome, failure) -> ResumeSpans.end(span,
                        outcome != null ? outcome : new Outcome(since, false, HISTORY_UNAVAILABLE), replayed.get()));
    }

    /**
     * The newest seq of a sequenced room as far as this instance can tell: from the window when it knows the room,
     * otherwise from the owner on the session's user's behalf; empty when neither can. Every event up to it happened
     * before the call, so a position set to it never claims an event the client was not sent: one that races in
     * before the join is replayed by a later resume, not lost.
     */
    public Uni<OptionalLong> head(Session session, Room room) {
        return head(room, session.user());
    }

    /** {@link #head(Session, Room)} for a session not opened yet, of the user it will be opened for. */
    public Uni<OptionalLong> head(Room room, String user) {
        OptionalLong known = history.head(room);
        if (known.isPresent() || !room.hasOwningStream()) {
            return Uni.createFrom().item(known);
        }
        Optional<String> endpoint = owner.endpoint(room);
        if (endpoint.isEmpty()) {
            return Uni.createFrom().item(OptionalLong.empty());
        }
        return owner.page(endpoint.get(), user, 0, 1, null)
                .map(page -> page.head() == null || page.head() < 0 ? OptionalLong.empty() : OptionalLong.of(page.head()))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("The head of %s is not known: %s", room, failure.getMessage());
                    return OptionalLong.empty();
                });
    }

    /** Pages through the owner's events after {@code after} (the stream version read so far). */
    private Uni<Outcome> fetch(Session session, Room room, String endpoint, long since, long after, TraceParent trace,
            AtomicInteger fetched, int limit, Function<List<Map.Entry<Long, String>>, Uni<Void>> sink) {
        if (session.isClosing()) {
            // Reads on the user's behalf end with the user's connection (the edge's own token would not expire).
            return Uni.createFrom().item(new Outcome(since, false, HISTORY_UNAVAILABLE));
        }
        int page = config.resume().fetchPage();
        return owner.page(endpoint, session.user(), after, page, trace).chain(answer -> {
            if (session.isClosing() || !access.stillMayReceive(session, room)) {
                return Uni.createFrom().item(new Outcome(since, false, HISTORY_UNAVAILABLE));
            }
            List<Map.Entry<Long, String>> frames = new ArrayList<>(answer.items().size());
            for (RoomEvent item : answer.items()) {
                if (room.name().equals(item.room()) && item.seq() != null) {
                    frames.add(new AbstractMap.SimpleImmutableEntry<>(item.seq(), ServerFrames.replayedEvent(item)));
                }
            }
            int total = fetched.addAndGet(frames.size());
            if (total > limit) {
                LOG.infof("Resume of %s for user %s stopped at more than %d events", room, session.user(), limit);
                return Uni.createFrom().item(new Outcome(since, false, stoppedAt(limit)));
            }
            return sink.apply(frames).chain(() -> {
                if (!answer.hasMore() || answer.lastSeq() <= after) {
                    return Uni.createFrom().item(new Outcome(since, true, null));
                }
                if (total >= limit) {
                    LOG.infof("Resume of %s for user %s stopped after %d events", room, session.user(), total);
                    return Uni.createFrom().item(new Outcome(since, false, stoppedAt(limit)));
                }
                return fetch(session, room, endpoint, since, answer.lastSeq(), trace, fetched, limit, sink);
            });
        });
    }

    /** Why a resume that reached its limit is incomplete: the owner's history is capped, a recovery's budget is smaller. */
    private String stoppedAt(int limit) {
        return limit == config.resume().maxFetch() ? HISTORY_UNAVAILABLE : TOO_LONG;
    }

    private static List<Map.Entry<Long, String>> frames(List<IntegrationEvent> events, Room room) {
        List<Map.Entry<Long, String>> frames = new ArrayList<>(events.size());
        for (IntegrationEvent event : events) {
            LiveEventNames.of(event.type()).ifPresent(name -> frames.add(
                    new AbstractMap.SimpleImmutableEntry<>(event.seq(), ServerFrames.event(event, room, name))));
        }
        return frames;
    }
}
