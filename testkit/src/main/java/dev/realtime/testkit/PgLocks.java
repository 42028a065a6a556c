package dev.realtime.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Locks held and awaited in PostgreSQL, for tests that hold locks from JDBC connections of their own and watch the
 * service's sessions wait behind them: a stream's turn (eventstore's transaction advisory lock on
 * {@code hashtext(stream_id)}), a row, any lock. Each query commits the watching connection, so that the next one
 * reads a fresh snapshot of {@code pg_locks} and {@code pg_stat_activity}.
 */
public final class PgLocks {
    private PgLocks() {
    }

    /** A connection to the test's database (its {@code quarkus.datasource.jdbc.url}), outside autocommit. */
    public static Connection connection() throws SQLException {
        Connection connection = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class), "postgres", "");
        connection.setAutoCommit(false);
        return connection;
    }

    public static int pid(Connection connection) throws SQLException {
        try (ResultSet row = connection.prepareStatement("SELECT pg_backend_pid()").executeQuery()) {
            row.next();
            return row.getInt(1);
        }
    }

    /** Takes the turn of {@code stream} in {@code holder}'s transaction, as another writer would. */
    public static void holdTurn(Connection holder, String stream) throws SQLException {
        try (PreparedStatement turn = holder.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            turn.setString(1, stream);
            turn.execute();
        }
    }

    /** Sessions holding the turn of {@code stream}. */
    public static int turnHolders(Connection watch, String stream) throws SQLException {
        return turns(watch, stream, true);
    }

    /** Sessions waiting for the turn of {@code stream}. */
    public static int turnWaiters(Connection watch, String stream) throws SQLException {
        return turns(watch, stream, false);
    }

    /** Sessions of this database waiting for a lock. */
    public static int waiting(Connection watch) throws SQLException {
        return count(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock'", null);
    }

    /** Sessions waiting for a lock that {@code pid} holds. */
    public static int blockedBy(Connection watch, int pid) throws SQLException {
        return count(watch, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND ? = ANY (pg_blocking_pids(pid))", pid);
    }

    private static int turns(Connection watch, String stream, boolean granted) throws SQLException {
        // A one-key advisory lock shows its bigint key as classid (high half) and objid (low half), objsubid 1.
        try (PreparedStatement query = watch.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                + " AND objsubid = 1 AND granted = ? AND ((classid::bigint << 32) | objid::bigint)"
                + " = hashtext(?)::bigint")) {
            query.setBoolean(1, granted);
            query.setString(2, stream);
            return counted(watch, query);
        }
    }

    private static int count(Connection watch, String sql, Integer pid) throws SQLException {
        try (PreparedStatement query = watch.prepareStatement(sql)) {
            if (pid != null) {
                query.setInt(1, pid);
            }
            return counted(watch, query);
        }
    }

    private static int counted(Connection watch, PreparedStatement query) throws SQLException {
        try (ResultSet row = query.executeQuery()) {
            row.next();
            int count = row.getInt(1);
            watch.commit();
            return count;
        }
    }
}
