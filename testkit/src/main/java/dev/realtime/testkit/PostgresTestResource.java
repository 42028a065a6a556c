package dev.realtime.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * Quarkus test resource: a fresh database on the real PostgreSQL server for this run, dropped at the end.
 * The server is {@code 127.0.0.1:5432} as user {@code postgres} unless {@code TEST_PG_HOST},
 * {@code TEST_PG_PORT}, {@code TEST_PG_USER} and {@code TEST_PG_PASSWORD} say otherwise.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {
    private TestDatabase database;

    @Override
    public Map<String, String> start() {
        database = TestDatabase.create("test");
        return database.quarkusProperties();
    }

    @Override
    public void stop() {
        if (database != null) {
            database.drop();
        }
    }

    /** A throwaway database; also usable outside Quarkus (benchmarks, end-to-end tests). */
    public record TestDatabase(String host, int port, String user, String password, String name) {

        public static TestDatabase create(String prefix) {
            String host = env("TEST_PG_HOST", "127.0.0.1");
            int port = Integer.parseInt(env("TEST_PG_PORT", "5432"));
            String user = env("TEST_PG_USER", "postgres");
            String password = env("TEST_PG_PASSWORD", "");
            String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            TestDatabase database = new TestDatabase(host, port, user, password, name);
            database.admin("CREATE DATABASE " + name);
            return database;
        }

        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + name;
        }

        public String reactiveUrl() {
            return "postgresql://" + host + ":" + port + "/" + name;
        }

        public Map<String, String> quarkusProperties() {
            return Map.of(
                    "quarkus.datasource.jdbc.url", jdbcUrl(),
                    "quarkus.datasource.reactive.url", reactiveUrl(),
                    "quarkus.datasource.username", user,
                    "quarkus.datasource.password", password);
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(jdbcUrl(), user, password);
        }

        public void drop() {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }

        private void admin(String sql) {
            String url = "jdbc:postgresql://" + host + ":" + port + "/postgres";
            try (Connection connection = DriverManager.getConnection(url, user, password);
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL at " + host + ":" + port + " refused '" + sql
                        + "': " + e.getMessage() + ". Start it with: pg_ctlcluster --skip-systemctl-redirect 15 main start", e);
            }
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }
    }
}
