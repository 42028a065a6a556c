package dev.realtime.faults;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What the services stored, read straight from their databases after the run (plain JDBC, one short connection). */
final class Stores {

    /** One stored event of a stream; {@code clientMessageId} for a posted message, else null. */
    record StoredEvent(String streamId, long version, String type, String eventId, String clientMessageId) {
    }

    /** One notification of an inbox. */
    record Notification(String userId, long seq, String sourceEventId) {
    }

    private Stores() {
    }

    static List<StoredEvent> events(String jdbcUrl, String user, List<String> streams) {
        String sql = "SELECT stream_id, version, type, event_id::text, data->>'clientMessageId' FROM es_events"
                + " WHERE stream_id = ANY(?) ORDER BY stream_id, version";
        List<StoredEvent> events = new ArrayList<>();
        try (Connection connection = connect(jdbcUrl, user);
                PreparedStatement query = connection.prepareStatement(sql)) {
            Array array = connection.createArrayOf("text", streams.toArray());
            query.setArray(1, array);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    events.add(new StoredEvent(rows.getString(1), rows.getLong(2), rows.getString(3),
                            rows.getString(4), rows.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading es_events: " + e.getMessage(), e);
        }
        return events;
    }

    static List<Notification> notifications(String jdbcUrl, String user, List<String> users) {
        String sql = "SELECT user_id, seq, source_event_id FROM nt_notifications WHERE user_id = ANY(?)"
                + " ORDER BY user_id, seq";
        List<Notification> notifications = new ArrayList<>();
        try (Connection connection = connect(jdbcUrl, user);
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setArray(1, connection.createArrayOf("text", users.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    notifications.add(new Notification(rows.getString(1), rows.getLong(2), rows.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading nt_notifications: " + e.getMessage(), e);
        }
        return notifications;
    }

    /** For a failure message: the stored rows of {@code stream} from {@code fromVersion} on, as the relay orders them. */
    static String describe(String jdbcUrl, String user, String stream, long fromVersion, int limit) {
        String sql = "SELECT version, tx_id::text, position, event_id::text, recorded_at FROM es_events"
                + " WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?";
        StringBuilder text = new StringBuilder();
        try (Connection connection = connect(jdbcUrl, user);
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, stream);
            query.setLong(2, fromVersion);
            query.setInt(3, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    text.append(" v").append(rows.getLong(1)).append(" tx=").append(rows.getString(2))
                            .append(" pos=").append(rows.getLong(3)).append(" id=").append(rows.getString(4))
                            .append(" at=").append(rows.getString(5)).append(";");
                }
            }
        } catch (SQLException e) {
            return "(cannot read es_events: " + e.getMessage() + ")";
        }
        return text.toString();
    }

    private static Connection connect(String jdbcUrl, String user) throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", user);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "60");
        properties.setProperty("ApplicationName", "fault-tests");
        return DriverManager.getConnection(jdbcUrl, properties);
    }
}
