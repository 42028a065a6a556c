package dev.realtime.eventstore;

import static dev.realtime.eventstore.EventStoreTest.deposits;
import static dev.realtime.eventstore.EventStoreTest.stream;
import static dev.realtime.eventstore.fixtures.Await.await;
import static dev.realtime.eventstore.fixtures.Await.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.realtime.eventstore.store.CommandRunner;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.ExpectedVersion;
import dev.realtime.eventstore.store.SqlAppender;
import dev.realtime.eventstore.store.StreamBusyException;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PgLocks;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A command that does not get its stream's turn within {@code eventstore.commands.turn-wait} is refused with
 * {@link StreamBusyException} and writes nothing, in both of the runner's forms; the stream is free again after.
 */
@QuarkusTest
@TestProfile(CommandTurnWaitTest.ShortTurnWait.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
class CommandTurnWaitTest {

    public static class ShortTurnWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eventstore.commands.turn-wait", "PT0.2S");
        }
    }

    @Inject
    CommandRunner commands;

    @Inject
    EventStore store;

    @Inject
    SqlAppender appender;

    @Test
    void aCommandThatWaitsTooLongForItsTurnIsRefusedAndWritesNothing() throws Exception {
        String stream = stream();
        try (Connection holder = PgLocks.connection()) {
            PgLocks.holdTurn(holder, stream);
            Throwable session = failureOf(() -> commands.run(stream, () -> store.append(stream,
                    ExpectedVersion.NO_STREAM, deposits(1), EventMetadata.of("alice", null))));
            assertInstanceOf(StreamBusyException.class, session, String.valueOf(session));
            Throwable hot = failureOf(() -> commands.runHot(stream, client -> appender.append(client, stream,
                    ExpectedVersion.NO_STREAM, deposits(1), EventMetadata.of("alice", null), CommandRunnerTest::projected)));
            assertInstanceOf(StreamBusyException.class, hot, String.valueOf(hot));
            assertEquals(0, await(() -> store.streamVersion(stream)), "a refused command wrote");
            holder.commit();
        }
        // The turn ended with the holder's transaction: the next command goes through.
        assertEquals(1, await(() -> commands.run(stream, () -> store.append(stream, ExpectedVersion.NO_STREAM,
                deposits(1), EventMetadata.of("alice", null)))).lastVersion());
    }
}
