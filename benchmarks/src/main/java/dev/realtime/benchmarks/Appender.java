package dev.realtime.benchmarks;

import dev.realtime.eventstore.store.AppendResult;
import dev.realtime.eventstore.store.EventMetadata;
import dev.realtime.eventstore.store.EventStore;
import dev.realtime.eventstore.store.NewEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * One append as an application does it: {@code transact(append(stream, expectedVersion, [one event]))},
 * from a plain client thread that waits for the result ({@link VertxContextSupport#subscribeAndAwait} runs
 * each call on a fresh Vert.x context, hence its own session and connection from the pool).
 */
final class Appender {
    private final EventStore store;
    private final boolean commandIds;

    Appender(EventStore store, boolean commandIds) {
        this.store = store;
        this.commandIds = commandIds;
    }

    /**
     * Appends one event at {@code expectedVersion}; {@code committed} receives {@link System#nanoTime()} on
     * the thread where the transaction's Uni completes, i.e. right after the commit was acknowledged.
     */
    AppendResult append(String stream, long expectedVersion, long n, LongConsumer committed) {
        EventMetadata metadata = EventMetadata.of("bench", commandIds ? UUID.randomUUID().toString() : null);
        List<NewEvent> events = List.of(new NewEvent(BenchPayload.TYPE, BenchPayload.of(n)));
        return await(() -> {
            Uni<AppendResult> appended = store.transact(() -> store.append(stream, expectedVersion, events, metadata));
            return committed == null ? appended : appended.invoke(result -> committed.accept(System.nanoTime()));
        });
    }

    long streamVersion(String stream) {
        return await(() -> store.streamVersion(stream));
    }

    static <T> T await(java.util.function.Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
