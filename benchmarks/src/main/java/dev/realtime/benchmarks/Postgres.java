package dev.realtime.benchmarks;

import dev.realtime.launcher.StackConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The PostgreSQL side of the harnesses: connecting to a database of the launcher's stack, and what it runs with. */
public final class Postgres {
    private Postgres() {
    }

    /** A JDBC connection to {@code database} of the stack, as the stack's PostgreSQL user. */
    public static Connection connect(StackConfig config, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", config.pgUser());
        props.setProperty("password", config.pgPassword());
        return DriverManager.getConnection(config.jdbcUrl(database), props);
    }

    /**
     * Puts {@code pg.<setting>} into the environment for each of {@code settings}, as {@code SHOW} reports it: the
     * figures depend on them (fsync, synchronous_commit, shared_buffers), so a result records them.
     */
    public static void putSettings(Map<String, Object> environment, Connection connection, List<String> settings)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String setting : settings) {
                try (ResultSet rs = statement.executeQuery("SHOW " + setting)) {
                    rs.next();
                    environment.put("pg." + setting, rs.getString(1));
                }
            }
        }
    }

    /**
     * {@link #putSettings(Map, Connection, List)} from {@code database} of the stack; if they cannot be read,
     * {@code pg: unknown: <why>} instead, as the run itself does not depend on them.
     */
    public static void putSettings(Map<String, Object> environment, StackConfig config, String database,
            List<String> settings) {
        try (Connection connection = connect(config, database)) {
            putSettings(environment, connection, settings);
        } catch (Exception e) {
            environment.put("pg", "unknown: " + e.getMessage());
        }
    }
}
