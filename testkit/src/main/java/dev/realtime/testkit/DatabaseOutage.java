package dev.realtime.testkit;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real outage of one database on the shared PostgreSQL server, never of the server: new connections to it are
 * refused ({@code ALTER DATABASE ... WITH ALLOW_CONNECTIONS false}) and its open ones are ended
 * ({@code pg_terminate_backend}), so the service under test sees what a database outage looks like (connections
 * closed, "database does not allow connections") while everyone else's databases go on. {@link #close()} lets
 * connections in again; use it in try-with-resources so a failing test does not leave the database shut.
 */
public final class DatabaseOutage implements AutoCloseable {
    private final String adminUrl;
    private final String user;
    private final String password;
    private final String database;

    private DatabaseOutage(String adminUrl, String user, String password, String database) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.database = database;
    }

    /** Starts an outage of the database of {@code jdbcUrl} ({@code jdbc:postgresql://host:port/name}). */
    public static DatabaseOutage begin(String jdbcUrl, String user, String password) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String database = uri.getPath().substring(1);
        if (!database.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("not a test database name: " + database);
        }
        String adminUrl = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + "/postgres";
        DatabaseOutage outage = new DatabaseOutage(adminUrl, user, password, database);
        outage.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false");
        outage.terminateConnections();
        return outage;
    }

    /** Ends the connections that are open now (a pool may have been connecting while the outage began). */
    public void terminateConnections() {
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            statement.setString(1, database);
            statement.executeQuery().close();
        } catch (SQLException e) {
            throw new IllegalStateException("could not end the connections to " + database + ": " + e.getMessage(), e);
        }
    }

    /** Lets connections in again. */
    @Override
    public void close() {
        execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true");
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed: " + e.getMessage(), e);
        }
    }
}
