package dev.realtime.launcher;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The few administrative statements the stack needs, on the {@code postgres} maintenance database. */
final class PostgresAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresAdmin.class);
    private static final String MAINTENANCE_DATABASE = "postgres";
    private static final String DUPLICATE_DATABASE = "42P04";

    private final StackConfig config;

    PostgresAdmin(StackConfig config) {
        this.config = config;
    }

    /** Fails with instructions when the server refuses the connection or the user, or does not answer within 30 s. */
    void checkReachable() {
        try (Connection ignored = connect()) {
            LOG.debug("postgres answers at {}:{}", config.pgHost(), config.pgPort());
        } catch (SQLException e) {
            throw new LocalStackException(unreachableMessage(e), e);
        }
    }

    /** Creates the databases that do not exist yet; returns those it created. */
    List<String> createMissing(List<String> databases) {
        List<String> created = new ArrayList<>();
        try (Connection connection = connect()) {
            for (String database : databases) {
                if (exists(connection, database)) {
                    continue;
                }
                try (Statement statement = connection.createStatement()) {
                    // Names are validated by StackConfig ([a-z_][a-z0-9_]*), and DDL takes no bind parameters.
                    statement.execute("CREATE DATABASE \"" + database + "\"");
                    created.add(database);
                } catch (SQLException e) {
                    // Another stack created it between our check and our create: fine, it exists.
                    if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new LocalStackException("could not create the databases " + databases + " on "
                    + config.pgHost() + ":" + config.pgPort() + ": " + e.getMessage()
                    + " (the user needs the CREATEDB privilege, or create them yourself)", e);
        }
        return created;
    }

    /** Drops the databases, disconnecting whoever still uses them (PostgreSQL 13 or later). */
    void drop(List<String> databases) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String database : databases) {
                statement.execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
            }
        } catch (SQLException e) {
            LOG.warn("could not drop databases {}: {}", databases, e.getMessage());
        }
    }

    private static boolean exists(Connection connection, String database) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", config.pgUser());
        if (!config.pgPassword().isEmpty()) {
            properties.setProperty("password", config.pgPassword());
        }
        // A server that is down refuses at once; these only bound a server that does not answer. A fresh JVM on a
        // busy machine (CI under load, a benchmark sharing the cores) took more than 3 s for its first login: 3 s
        // refused a running server.
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("loginTimeout", "30");
        properties.setProperty("socketTimeout", "60");
        properties.setProperty("ApplicationName", "local-stack");
        return DriverManager.getConnection(config.jdbcUrl(MAINTENANCE_DATABASE), properties);
    }

    private String unreachableMessage(SQLException e) {
        String where = config.pgHost() + ":" + config.pgPort() + " (user " + config.pgUser() + ")";
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28")) {
            return "PostgreSQL at " + where + " refused the login: " + e.getMessage() + System.lineSeparator()
                    + "Give the stack a user that may log in and create databases, e.g.:" + System.lineSeparator()
                    + "    PG_URL=postgresql://user:password@" + config.pgHost() + ":" + config.pgPort()
                    + "/postgres ./local-stack.sh";
        }
        return "PostgreSQL does not answer at " + where + ": " + e.getMessage() + System.lineSeparator()
                + "The services keep their event stores there. Start the machine's server:" + System.lineSeparator()
                + "    pg_ctlcluster --skip-systemctl-redirect 15 main start" + System.lineSeparator()
                + "(or: sudo systemctl start postgresql), or point the stack at a running one:"
                + System.lineSeparator()
                + "    PG_URL=postgresql://user:password@host:5432/postgres ./local-stack.sh";
    }
}
