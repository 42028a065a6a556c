package dev.realtime.eventstore;

import static dev.realtime.eventstore.fixtures.Await.await;
import static dev.realtime.eventstore.fixtures.Await.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.realtime.eventstore.fixtures.Deposit;
import dev.realtime.eventstore.fixtures.StreamStatsProjection;
import dev.realtime.eventstore.projection.ProjectionReplayer;
import dev.realtime.eventstore.store.ConcurrencyException;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.NewEvent;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
class ProjectionTest {

    @Inject
    EventStore store;

    @Inject
    ProjectionReplayer replayer;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void theProjectionIsWrittenInTheAppendTransactionAndNotOnAConflict() throws SQLException {
        String stream = "project:" + UUID.randomUUID().toString().substring(0, 8);
        deposit(stream, ExpectedVersion.NO_STREAM, 10);
        deposit(stream, 1, 5);
        assertEquals(List.of(stream + " 2 2 test.Deposited.v1 15"), stats("where stream_id = '" + stream + "'"));

        assertInstanceOf(ConcurrencyException.class, failureOf(() -> depositUni(stream, 1, 1000)));
        assertEquals(List.of(stream + " 2 2 test.Deposited.v1 15"), stats("where stream_id = '" + stream + "'"),
                "a refused append leaves the read model as it was");
    }

    @Test
    void aReplayRebuildsTheProjectionEqualToTheLiveOne() throws SQLException {
        for (int s = 0; s < 5; s++) {
            String stream = "project:replay" + s + UUID.randomUUID().toString().substring(0, 6);
            for (int v = 0; v < 7; v++) {
                deposit(stream, v, 3 * s + v);
            }
        }
        List<String> live = stats("");
        assertFalse(live.isEmpty());

        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            // Damage the read model the way a bug or a hand edit would; the replay must repair it.
            statement.executeUpdate("update test_stream_stats set total_amount = -1, events = 0");
            statement.executeUpdate("insert into test_stream_stats values ('project:ghost', 1, 1, 'x', 1)");
        }
        long replayed = await(() -> replayer.rebuild(StreamStatsProjection.NAME));

        assertEquals(live, stats(""));
        assertEquals(eventCount(), replayed);
    }

    private void deposit(String stream, long expected, long amount) {
        await(() -> depositUni(stream, expected, amount));
    }

    private io.smallrye.mutiny.Uni<?> depositUni(String stream, long expected, long amount) {
        return store.transact(() -> store.append(stream, expected,
                List.of(new NewEvent(Deposit.TYPE, new Deposit(amount, "n"))), EventMetadata.of("bob", null)));
    }

    private List<String> stats(String where) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select stream_id, events, last_version, last_type, total_amount "
                        + "from test_stream_stats " + where + " order by stream_id")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3) + " " + rs.getString(4) + " "
                        + rs.getLong(5));
            }
        }
        return rows;
    }

    private long eventCount() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("select count(*) from es_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
