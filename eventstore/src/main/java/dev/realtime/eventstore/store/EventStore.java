package dev.realtime.eventstore.store;

import dev.realtime.contracts.events.Json;
import dev.realtime.servicekit.db.UniqueViolation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The event store of one service: append with an expected version, idempotent commands, paged reads of a
 * stream, and projections applied in the transaction of the append.
 *
 * <p>Rule: one append per transaction, and the append is the transaction's first write. The relay orders
 * events by the writing transaction's id; that order agrees with each stream's version order only when the
 * transaction id is taken by the event insert itself (see docs/event-store.md). {@link #append} checks it.
 */
@ApplicationScoped
public class EventStore {
    public static final int MAX_EVENTS_PER_APPEND = 100;
    public static final int MAX_PAGE = 1000;

    /**
     * The stream's version and whether this transaction has written before. HQL, not native SQL: Hibernate 7.2
     * does not find native queries with an {@code Object[]} result in its plan cache again and fills the cache
     * with copies whose lookups then cost more than the append (seen in profiles of chat-service).
     */
    private static final String PRECHECK = "select max(e.version), cast(function('pg_current_xact_id_if_assigned') as String)"
            + " from StoredEvent e where e.streamId = :stream";
    private static final int RERUNS = 3;

    private final List<Projection> projections;

    private final CommitSignal commits;

    @Inject
    public EventStore(@Any Instance<Projection> projections, CommitSignal commits) {
        this.projections = projections.stream().sorted(Comparator.comparing(Projection::name)).toList();
        this.commits = commits;
    }

    /**
     * Runs {@code work} in a new transaction, and again in a fresh one when it lost a race that a rerun
     * resolves: a command that raced with itself (the rerun returns the first result), or an append with
     * {@link ExpectedVersion#ANY} that met a concurrent append (the rerun takes the next version).
     */
    public <T> Uni<T> transact(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work)
                .onFailure(EventStore::resolvedByRerun).retry().atMost(RERUNS)
                .onTermination().invoke(commits::committed);
    }

    private static boolean resolvedByRerun(Throwable failure) {
        return failure instanceof DuplicateCommandException
                || failure instanceof ConcurrencyException conflict && conflict.expectedVersion() == ExpectedVersion.ANY;
    }

    /**
     * Appends {@code events} to {@code streamId} if the stream is at {@code expectedVersion} (or any version
     * with {@link ExpectedVersion#ANY}), then applies every projection to each new event. Must run inside
     * {@link #transact}. Fails with {@link ConcurrencyException} when the stream moved on.
     */
    public Uni<AppendResult> append(String streamId, long expectedVersion, List<NewEvent> events, EventMetadata metadata) {
        if (streamId == null || streamId.isBlank()) {
            return Uni.createFrom().failure(new IllegalArgumentException("streamId is required"));
        }
        if (events == null || events.isEmpty() || events.size() > MAX_EVENTS_PER_APPEND) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    "an append takes 1 to " + MAX_EVENTS_PER_APPEND + " events"));
        }
        if (expectedVersion < ExpectedVersion.ANY) {
            return Uni.createFrom().failure(new IllegalArgumentException("invalid expected version " + expectedVersion));
        }
        String commandId = metadata == null ? null : metadata.commandId();
        return Panache.getSession().chain(session -> session
                .createSelectionQuery(PRECHECK, Object[].class)
                .setParameter("stream", streamId)
                .getSingleResult()
                .chain(row -> (commandId == null ? Uni.createFrom().<CommandRecord>nullItem()
                        : session.find(CommandRecord.class, commandId))
                        .chain(previous -> {
                            long current = row[0] == null ? 0 : ((Number) row[0]).longValue();
                            if (previous != null) {
                                return Uni.createFrom().item(new AppendResult(previous.streamId, previous.firstVersion,
                                        previous.lastVersion, true));
                            }
                            if (row[1] != null) {
                                return Uni.createFrom().failure(new IllegalStateException(
                                        "append must be the first write of its transaction, and only one per transaction"));
                            }
                            if (expectedVersion != ExpectedVersion.ANY && current != expectedVersion) {
                                return Uni.createFrom().failure(new ConcurrencyException(streamId, expectedVersion, current));
                            }
                            return write(session, streamId, current, events, metadata);
                        })))
                .onFailure(failure -> UniqueViolation.of(failure, "es_events_stream_version"))
                .transform(failure -> new ConcurrencyException(streamId, expectedVersion, null))
                .onFailure(failure -> UniqueViolation.of(failure, "es_commands_pkey"))
                .transform(failure -> new DuplicateCommandException(commandId));
    }

    private Uni<AppendResult> write(Mutiny.Session session, String streamId, long current, List<NewEvent> events,
            EventMetadata metadata) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String metadataJson = new String(Json.write(metadata == null ? new EventMetadata(null, null, null, null) : metadata),
                StandardCharsets.UTF_8);
        List<StoredEvent> rows = new ArrayList<>(events.size());
        long version = current;
        for (NewEvent event : events) {
            StoredEvent row = new StoredEvent();
            row.eventId = UUID.randomUUID();
            row.streamId = streamId;
            row.version = ++version;
            row.type = event.type();
            row.data = new String(Json.write(event.data()), StandardCharsets.UTF_8);
            row.metadata = metadataJson;
            row.recordedAt = now;
            rows.add(row);
        }
        AppendResult result = new AppendResult(streamId, current + 1, version, false);
        // Events first: their insert must be the write that gives the transaction its id (see Relay).
        Uni<Void> inserted = session.persistAll(rows.toArray()).chain(session::flush);
        if (metadata != null && metadata.commandId() != null) {
            CommandRecord command = new CommandRecord();
            command.commandId = metadata.commandId();
            command.streamId = streamId;
            command.firstVersion = result.firstVersion();
            command.lastVersion = result.lastVersion();
            inserted = inserted.chain(() -> session.persist(command)).chain(session::flush);
        }
        return inserted.chain(() -> applyProjections(session, rows)).replaceWith(result);
    }

    private Uni<Void> applyProjections(Mutiny.Session session, List<StoredEvent> rows) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (StoredEvent row : rows) {
            for (Projection projection : projections) {
                chain = chain.chain(() -> projection.apply(row, session));
            }
        }
        return chain;
    }

    /** Events of {@code streamId} with a version greater than {@code afterVersion}, oldest first, at most {@code limit}. */
    public Uni<List<StoredEvent>> readStream(String streamId, long afterVersion, int limit) {
        int page = Math.max(1, Math.min(limit, MAX_PAGE));
        return Panache.withSession(() -> StoredEvent
                .<StoredEvent>find("streamId = ?1 and version > ?2 order by version", streamId, afterVersion)
                .range(0, page - 1)
                .list());
    }

    /** The current version of a stream, 0 when it has no events. */
    public Uni<Long> streamVersion(String streamId) {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session
                .createSelectionQuery("select max(e.version) from StoredEvent e where e.streamId = :stream", Long.class)
                .setParameter("stream", streamId)
                .getSingleResultOrNull()))
                .map(version -> version == null ? 0L : version);
    }

    List<Projection> projections() {
        return projections;
    }
}
