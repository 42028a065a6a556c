package dev.realtime.notification.domain;

import dev.realtime.contracts.rooms.Room;
import dev.realtime.eventstore.store.CommandRunner;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.NewEvent;
import dev.realtime.notification.model.Draft;
import dev.realtime.notification.model.NotificationEvents;
import dev.realtime.notification.store.InboxQueries;
import dev.realtime.notification.store.NotificationRow;
import dev.realtime.servicekit.db.UniqueViolation;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * The commands of one user's inbox (stream {@code user:<sub>}). Each reads the inbox's version and unread
 * count, decides, and appends at that version in the inbox's turn ({@link CommandRunner}); when another append to
 * the same inbox came first, it reads and decides again ({@link CommandRunner#rerunWhenStale}), so every event carries the
 * exact unread count after it. The reads are on the pool, before the turn: a read inside it would need a second
 * connection while the transaction holds one, and a pool full of waiting commands would then stall.
 */
@ApplicationScoped
public class InboxService {
    private static final String SOURCE_USER_CONSTRAINT = "nt_notifications_source_user";

    @Inject
    CommandRunner commands;

    @Inject
    EventStore store;

    @Inject
    InboxQueries queries;

    public record Delivery(String userId, String notificationId, long seq, long unreadCount, boolean duplicate) {
    }

    public record ReadOutcome(int marked, long unreadCount) {
    }

    public static String stream(String user) {
        return Room.user(user).name();
    }

    /**
     * Puts {@code draft} into {@code user}'s inbox once: a second delivery of the same source event to the same
     * user stores nothing (checked first, and by a unique constraint in the append's transaction).
     */
    public Uni<Delivery> deliver(String user, Draft draft) {
        String stream = stream(user);
        return commands.rerunWhenStale(() -> queries.state(user, draft.sourceEventId()).chain(state -> {
                    if (state.delivered()) {
                        return Uni.createFrom().item(new Delivery(user, null, state.version(), state.unreadCount(), true));
                    }
                    String id = UUID.randomUUID().toString();
                    Instant createdAt = draft.createdAt() == null ? now() : draft.createdAt();
                    long unread = state.unreadCount() + 1;
                    NotificationEvents.Created created = new NotificationEvents.Created(id, draft.type(), draft.title(),
                            draft.body(), draft.actor(), draft.target(), createdAt, draft.sourceEventId(), unread);
                    return commands.run(stream, () -> store.append(stream, state.version(),
                                    List.of(new NewEvent(NotificationEvents.CREATED, created)),
                                    EventMetadata.causedBy(draft.actor() == null ? null : draft.actor().id(),
                                            draft.sourceEventId(), null, draft.trace())))
                            .map(result -> new Delivery(user, id, result.lastVersion(), unread, false));
                }))
                .onFailure(InboxService::isDuplicateSource)
                .recoverWithUni(() -> queries.state(user, draft.sourceEventId())
                        .map(state -> new Delivery(user, null, state.version(), state.unreadCount(), true)));
    }

    /** Puts every pending broadcast for the caller's rooms into their inbox, oldest first. */
    public Uni<Integer> materializeBroadcasts(String user, List<String> rooms, Instant since, List<String> mutedTypes) {
        return queries.pendingBroadcasts(user, rooms, since, mutedTypes, 100)
                .chain(drafts -> Multi.createFrom().iterable(drafts)
                        .onItem().transformToUniAndConcatenate(draft -> deliver(user, draft))
                        .collect().asList()
                        .map(List::size));
    }

    public Uni<ReadOutcome> markRead(String user, UUID notificationId) {
        return commands.rerunWhenStale(() -> queries.find(user, notificationId).chain(row -> {
                    if (row == null) {
                        throw new NotFoundException("No such notification.");
                    }
                    return queries.state(user, null).chain(state -> {
                        if (row.readAt() != null) {
                            return Uni.createFrom().item(new ReadOutcome(0, state.unreadCount()));
                        }
                        return appendRead(user, state, new NotificationEvents.Read(List.of(row.id()), false, null, 1,
                                Math.max(0, state.unreadCount() - 1), now()));
                    });
                }));
    }

    public Uni<ReadOutcome> markAllRead(String user) {
        return commands.rerunWhenStale(() -> queries.state(user, null).chain(state -> state.unreadCount() == 0
                        ? Uni.createFrom().item(new ReadOutcome(0, 0))
                        : appendRead(user, state, new NotificationEvents.Read(null, true, null,
                                (int) state.unreadCount(), 0, now()))));
    }

    public Uni<ReadOutcome> markReadUpTo(String user, Instant upTo) {
        return commands.rerunWhenStale(() -> queries.state(user, null).chain(state -> queries.unreadUpTo(user, upTo)
                        .chain(marked -> marked == 0
                                ? Uni.createFrom().item(new ReadOutcome(0, state.unreadCount()))
                                : appendRead(user, state, new NotificationEvents.Read(null, false, upTo, marked,
                                        Math.max(0, state.unreadCount() - marked), now())))));
    }

    public Uni<NotificationRow> find(String user, UUID id) {
        return queries.find(user, id).map(row -> {
            if (row == null) {
                throw new NotFoundException("No such notification.");
            }
            return row;
        });
    }

    private Uni<ReadOutcome> appendRead(String user, InboxQueries.State state, NotificationEvents.Read read) {
        long expected = state.version() == 0 ? ExpectedVersion.NO_STREAM : state.version();
        String stream = stream(user);
        return commands.run(stream, () -> store.append(stream, expected, List.of(new NewEvent(NotificationEvents.READ,
                        read)), EventMetadata.of(user, null)))
                .map(result -> new ReadOutcome(read.marked(), read.unreadCount()));
    }

    private static boolean isDuplicateSource(Throwable failure) {
        return UniqueViolation.of(failure, SOURCE_USER_CONSTRAINT);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
