package dev.realtime.eventstore.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** How an append's commit reaches the relay: in this JVM, or by a notification to a relay in another instance. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
class CommitSignalTest {

    @Inject
    Instance<Pool> pools;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void appendsNoLongerNotifyInTheirTransaction() throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                Statement query = connection.createStatement();
                ResultSet rs = query.executeQuery("select count(*) from pg_trigger"
                        + " where tgrelid = 'es_events'::regclass and not tgisinternal"
                        + " and tgfoid::regproc::text like '%notify%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no trigger on es_events sends NOTIFY inside the append's transaction");
        }
    }

    @Test
    void aCommitWakesTheRelayOfThisInstanceOnce() throws Exception {
        CommitSignal signal = new CommitSignal();
        signal.localRelayPublishes(true);
        assertFalse(signal.await(10), "nothing signalled yet");
        signal.committed();
        assertTrue(signal.await(1000));
        assertFalse(signal.await(10), "a signal is taken once");
    }

    @Test
    void whenTheRelayPublishesInAnotherInstanceACommitNotifiesIt() throws Exception {
        CommitSignal signal = new CommitSignal();
        signal.pools = pools;
        signal.localRelayPublishes(false);
        try (Connection listener = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            try (Statement listen = listener.createStatement()) {
                listen.execute("LISTEN " + CommitSignal.CHANNEL);
            }
            signal.committed();
            signal.committed();
            PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(10_000);
            assertTrue(received != null && received.length >= 1, "the other instance's relay is notified");
            assertEquals(CommitSignal.CHANNEL, received[0].getName());
            assertFalse(signal.await(10), "nothing is signalled in this JVM");
        }
    }
}
