package dev.realtime.eventstore.relay;

import dev.realtime.eventstore.store.CommitSignal;
import dev.realtime.eventstore.store.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Publishes committed events to Kafka, at least once, in each stream's order, never skipping one.
 *
 * <p>Why (tx_id, position) and not position alone: positions are taken at insert time, so a transaction
 * can hold position 5 uncommitted while position 6 commits. Reading "position > checkpoint" would publish
 * 6, move the checkpoint past 5 and lose 5 forever when it commits. Instead the relay reads only events of
 * transactions older than every transaction still running ({@code tx_id < pg_snapshot_xmin}): the set of
 * such events only grows at the end of the (tx_id, position) order, so a checkpoint in that order never
 * passes an event that can still appear. Each stream's versions follow that order because the event insert
 * is the first write of its transaction (EventStore enforces it): the transaction writing version n+1 took
 * its id after version n committed.
 *
 * <p>One relay per database publishes at a time (a session advisory lock held on its own connection);
 * other instances wait as standby. The checkpoint advances only after Kafka acknowledged the whole batch,
 * so a crash or an outage republishes from the checkpoint: duplicates are possible, recognisable by event
 * id (and by seq), and nothing is lost. Runs on one dedicated thread with blocking JDBC and the blocking
 * producer API, which keeps the ordering argument simple and leaves the event loops alone.
 *
 * <p>Why each batch is a Kafka transaction: the idempotent producer keeps a partition's successful batches in
 * order, but a batch that fails for good (delivery timeout) does not fail the later batches of its partition:
 * after the epoch bump they are renumbered and written. A batch of events 3..4 could fail while 5..6 landed,
 * and the republish from the checkpoint then put 3..4 after 5..6 (seen as versions 1..10, 23..30, 11..22 on one
 * partition). In a transaction, one failed record makes the commit fail; the relay aborts (or its successor's
 * {@code initTransactions} aborts) and publishes the batch again, and read_committed consumers never see the
 * records of an aborted transaction. What they see per partition is the committed batches in commit order, each
 * starting at the checkpoint the previous one left: first copies in stream order, extra copies only after a
 * failure. The transactional id also fences a previous leader whose sends are still in flight.
 *
 * <p>An event the mapper cannot turn into records (e.g. a room the grammar refuses) or whose record Kafka can never
 * take (larger than the producer's max.request.size) is set aside: recorded in {@code es_relay_unpublishable},
 * counted and logged once, and not published; every other event keeps flowing in order.
 */
public final class Relay implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Relay.class);
    private static final long LOCK_NAMESPACE = 0x65735f72656c6179L; // "es_relay"
    /** How often an idle relay looks for another instance's notification: its latency for those commits. */
    private static final long NOTIFICATION_CHECK_MILLIS = 10;

    /**
     * The ORDER BY names the table's columns: a bare {@code tx_id} there means the output column of that name, and
     * {@code tx_id::text} was one, so batches were sorted by the text of the transaction id ("100001" before
     * "99998"): at each power of ten a stream's later versions went out before its earlier ones.
     */
    private static final String FETCH = """
            select e.position, e.event_id, e.stream_id, e.version, e.type, e.data::text, e.metadata::text,
                   e.recorded_at, e.tx_id::text as tx_id_text
              from es_events e
             where (e.tx_id, e.position) > (?::xid8, ?)
               and e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
             order by e.tx_id, e.position
             limit ?
            """;
    private static final String COUNT_UNPUBLISHED = """
            select count(*) from (select 1 from es_events where (tx_id, position) > (?::xid8, ?) limit 1000000) backlog
            """;
    private static final String LOAD_CHECKPOINT = "select tx_id::text, position from es_relay_checkpoints where relay = ?";
    private static final String SET_ASIDE = """
            insert into es_relay_unpublishable (relay, position, event_id, stream_id, version, type, reason)
            values (?, ?, ?, ?, ?, ?, ?) on conflict (relay, position) do nothing
            """;
    private static final String SAVE_CHECKPOINT = """
            insert into es_relay_checkpoints (relay, tx_id, position) values (?, ?::xid8, ?)
            on conflict (relay) do update set tx_id = excluded.tx_id, position = excluded.position,
                                             updated_at = clock_timestamp()
            """;

    /** Everything the relay needs from outside, so tests can run one without CDI. */
    public record Settings(String name, int batchSize, Duration pollInterval, Duration initialBackoff,
            Duration maxBackoff, Duration standbyRetry, Duration ackTimeout) {
    }

    /** How the relay reports what it does; the CDI wrapper binds it to Micrometer. */
    public interface Listener {
        default void published(StoredEvent event) {
        }

        default void backlog(long events, Duration oldestAge) {
        }

        default void failed(Exception failure) {
        }

        /** An event that is not published, ever: set aside with the reason (once per event). */
        default void unpublishable(StoredEvent event, Exception reason) {
        }

        default void leadership(boolean leader) {
        }
    }

    private record Checkpoint(String txId, long position) {
        static final Checkpoint START = new Checkpoint("0", 0);
    }

    private record Row(StoredEvent event, String txId) {
    }

    private final Settings settings;
    private final Supplier<Connection> connections;
    private final Supplier<Producer<String, byte[]>> producers;
    private final IntegrationMapper mapper;
    private final Listener listener;
    private final CommitSignal commits;
    private final Republisher republisher;
    private volatile boolean running;
    private volatile boolean leader;
    private Thread thread;

    public Relay(Settings settings, Supplier<Connection> connections, Supplier<Producer<String, byte[]>> producers,
            IntegrationMapper mapper, Listener listener, CommitSignal commits) {
        this(settings, connections, producers, mapper, listener, commits, null);
    }

    /** @param republisher re-publishes derived state between batches when due; null when the service has none */
    public Relay(Settings settings, Supplier<Connection> connections, Supplier<Producer<String, byte[]>> producers,
            IntegrationMapper mapper, Listener listener, CommitSignal commits, Republisher republisher) {
        this.republisher = republisher;
        this.settings = settings;
        this.connections = connections;
        this.producers = producers;
        this.mapper = mapper;
        this.listener = listener;
        this.commits = commits;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "eventstore-relay-" + settings.name());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops after the batch in flight; what was not acknowledged is published again by the next start. The
     * thread is asked first and interrupted only if it does not stop in time, so that a normal stop never
     * cuts the producer's own shutdown short.
     */
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(settings.pollInterval().toMillis() + 5_000);
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(settings.ackTimeout().toMillis() + 5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    public boolean isRunning() {
        return running;
    }

    public boolean isLeader() {
        return leader;
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        Duration backoff = settings.initialBackoff();
        boolean failing = false;
        while (running) {
            try (Connection connection = connections.get()) {
                connection.setAutoCommit(true);
                try (Statement session = connection.createStatement()) {
                    // The checkpoint need not wait for its WAL flush: one lost in a crash only republishes a batch.
                    session.execute("SET synchronous_commit TO off");
                }
                if (!tryLead(connection)) {
                    sleep(settings.standbyRetry());
                    continue;
                }
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + CommitSignal.CHANNEL);
                }
                Checkpoint checkpoint = loadCheckpoint(connection);
                Producer<String, byte[]> producer = producers.get();
                boolean committedAll = false;
                if (republisher != null) {
                    republisher.lead();
                }
                try {
                    // Fences an earlier producer of this relay and aborts its open transaction, if any.
                    producer.initTransactions();
                    while (running) {
                        if (republisher != null) {
                            // Here, between batches and on this producer: see Republisher for why that keeps order.
                            republisher.runDue(connection, producer);
                        }
                        List<Row> batch = fetch(connection, checkpoint);
                        reportBacklog(connection, checkpoint, batch);
                        if (batch.isEmpty()) {
                            awaitCommit(connection);
                            continue;
                        }
                        publish(producer, batch, connection);
                        Row last = batch.get(batch.size() - 1);
                        checkpoint = new Checkpoint(last.txId(), last.event().position);
                        saveCheckpoint(connection, checkpoint);
                        if (failing) {
                            LOG.infof("Relay %s recovered and resumed publishing", settings.name());
                            failing = false;
                        }
                        backoff = settings.initialBackoff();
                    }
                    committedAll = true;
                } finally {
                    lose();
                    if (republisher != null) {
                        republisher.close();
                    }
                    // After a failure nothing pending is worth waiting for: the open transaction is never committed
                    // (the next producer's initTransactions aborts it). Bounded either way: the default close waits
                    // for every pending send, however long the outage.
                    producer.close(committedAll ? Duration.ofSeconds(2) : Duration.ZERO);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (Exception e) {
                // The lock went with the connection, whichever step failed after taking it.
                lose();
                if (!running) {
                    break;
                }
                listener.failed(e);
                if (!failing) {
                    // Once per outage: a failing broker or database would otherwise flood the log.
                    LOG.warnf("Relay %s cannot publish (%s: %s); retrying with backoff up to %s",
                            settings.name(), e.getClass().getSimpleName(), e.getMessage(), settings.maxBackoff());
                    failing = true;
                }
                try {
                    sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
                backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff()
                        : backoff.multipliedBy(2);
            }
        }
        lose();
    }

    private boolean tryLead(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_lock(?, ?)")) {
            lock.setInt(1, (int) (LOCK_NAMESPACE >>> 32));
            lock.setInt(2, settings.name().hashCode());
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                boolean acquired = rs.getBoolean(1);
                if (acquired != leader) {
                    leader = acquired;
                    commits.localRelayPublishes(acquired);
                    listener.leadership(acquired);
                    LOG.infof("Relay %s is %s", settings.name(), acquired ? "publishing (leader)" : "on standby");
                }
                return acquired;
            }
        }
    }

    private void lose() {
        if (leader) {
            leader = false;
            commits.localRelayPublishes(false);
            listener.leadership(false);
        }
    }

    private List<Row> fetch(Connection connection, Checkpoint checkpoint) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement fetch = connection.prepareStatement(FETCH)) {
            fetch.setString(1, checkpoint.txId());
            fetch.setLong(2, checkpoint.position());
            fetch.setInt(3, settings.batchSize());
            try (ResultSet rs = fetch.executeQuery()) {
                while (rs.next()) {
                    StoredEvent event = new StoredEvent();
                    event.position = rs.getLong(1);
                    event.eventId = rs.getObject(2, UUID.class);
                    event.streamId = rs.getString(3);
                    event.version = rs.getLong(4);
                    event.type = rs.getString(5);
                    event.data = rs.getString(6);
                    event.metadata = rs.getString(7);
                    event.recordedAt = rs.getObject(8, OffsetDateTime.class);
                    rows.add(new Row(event, rs.getString(9)));
                }
            }
        }
        return rows;
    }

    private void reportBacklog(Connection connection, Checkpoint checkpoint, List<Row> batch) throws SQLException {
        if (batch.isEmpty()) {
            listener.backlog(0, Duration.ZERO);
            return;
        }
        long backlog = batch.size();
        if (batch.size() == settings.batchSize()) {
            try (PreparedStatement count = connection.prepareStatement(COUNT_UNPUBLISHED)) {
                count.setString(1, checkpoint.txId());
                count.setLong(2, checkpoint.position());
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    backlog = rs.getLong(1);
                }
            }
        }
        Duration age = Duration.between(batch.get(0).event().recordedAt, OffsetDateTime.now());
        listener.backlog(backlog, age.isNegative() ? Duration.ZERO : age);
    }

    /**
     * Publishes a batch as one Kafka transaction. A record Kafka refuses before sending it for good (too large)
     * aborts the attempt, sets its event aside and publishes the rest again; any other failure leaves the
     * transaction uncommitted and throws, and the caller starts over from the checkpoint with a new producer.
     */
    private void publish(Producer<String, byte[]> producer, List<Row> batch, Connection connection)
            throws InterruptedException, ExecutionException, SQLException {
        List<Row> publishable = new ArrayList<>(batch.size());
        List<List<ProducerRecord<String, byte[]>>> records = new ArrayList<>(batch.size());
        for (Row row : batch) {
            try {
                records.add(mapper.map(row.event()));
                publishable.add(row);
            } catch (RuntimeException unmappable) {
                setAside(connection, row, unmappable);
            }
        }
        attempts:
        while (!publishable.isEmpty()) {
            producer.beginTransaction();
            for (int i = 0; i < publishable.size(); i++) {
                for (ProducerRecord<String, byte[]> record : records.get(i)) {
                    Future<RecordMetadata> ack = producer.send(record);
                    if (!ack.isDone()) {
                        continue;
                    }
                    // Failed before it was queued: no metadata while the broker is down (each further send would
                    // block max.block.ms too, so give the batch up now), or a record Kafka can never take.
                    try {
                        ack.get();
                    } catch (ExecutionException refused) {
                        if (!(refused.getCause() instanceof RecordTooLargeException tooLarge)) {
                            throw refused;
                        }
                        producer.abortTransaction();
                        setAside(connection, publishable.remove(i), tooLarge);
                        records.remove(i);
                        continue attempts;
                    }
                }
            }
            // Flushes, and fails if any record of the transaction failed: then nothing of it becomes visible.
            producer.commitTransaction();
            break;
        }
        for (Row row : publishable) {
            listener.published(row.event());
        }
    }

    private void setAside(Connection connection, Row row, Exception reason) throws SQLException {
        StoredEvent event = row.event();
        try (PreparedStatement insert = connection.prepareStatement(SET_ASIDE)) {
            insert.setString(1, settings.name());
            insert.setLong(2, event.position);
            insert.setObject(3, event.eventId);
            insert.setString(4, event.streamId);
            insert.setLong(5, event.version);
            insert.setString(6, event.type);
            insert.setString(7, reason.getClass().getSimpleName() + ": " + reason.getMessage());
            if (insert.executeUpdate() == 0) {
                return; // set aside before (a batch published again after a failure)
            }
        }
        LOG.warnf("Relay %s set aside event %s (stream %s, version %d, type %s), which it cannot publish: %s: %s",
                settings.name(), event.eventId, event.streamId, event.version, event.type,
                reason.getClass().getSimpleName(), reason.getMessage());
        listener.unpublishable(event, reason);
    }

    private Checkpoint loadCheckpoint(Connection connection) throws SQLException {
        try (PreparedStatement load = connection.prepareStatement(LOAD_CHECKPOINT)) {
            load.setString(1, settings.name());
            try (ResultSet rs = load.executeQuery()) {
                return rs.next() ? new Checkpoint(rs.getString(1), rs.getLong(2)) : Checkpoint.START;
            }
        }
    }

    private void saveCheckpoint(Connection connection, Checkpoint checkpoint) throws SQLException {
        try (PreparedStatement save = connection.prepareStatement(SAVE_CHECKPOINT)) {
            save.setString(1, settings.name());
            save.setString(2, checkpoint.txId());
            save.setLong(3, checkpoint.position());
            save.executeUpdate();
        }
    }

    /**
     * Returns when an append commits (signalled in this JVM, or notified by another instance, whose notification
     * the connection is asked for between waits without blocking), or after the poll interval: the interval covers
     * events held back by an older transaction that wrote no event (no signal follows) and lost signals.
     */
    private void awaitCommit(Connection connection) throws SQLException, InterruptedException {
        PGConnection notifications = connection.unwrap(PGConnection.class);
        long deadline = System.nanoTime() + settings.pollInterval().toNanos();
        while (running && System.nanoTime() < deadline) {
            if (commits.await(NOTIFICATION_CHECK_MILLIS)) {
                return;
            }
            // A timed read of the socket: the untimed call only sees data the stream already holds, which over TLS
            // is nothing until the driver reads.
            PGNotification[] received = notifications.getNotifications(1);
            if (received != null && received.length > 0) {
                return;
            }
        }
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}
