package dev.realtime.eventstore.consumer;

import io.opentelemetry.context.Context;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * Runs reactive work (a query, an append) from a consumer's thread, which may block: on a fresh Vert.x context,
 * waiting for the result. The consumer's tracing context goes along, so the work's SQL spans are children of the
 * consumer's span instead of traces of their own.
 */
public final class Blocking {
    private Blocking() {
    }

    public static <T> T await(Supplier<Uni<T>> work) throws Exception {
        Context tracing = Context.current();
        try {
            return VertxContextSupport.subscribeAndAwait(tracing == Context.root() ? work : () -> {
                // Attached to the fresh duplicated context, where the SQL client looks for it; that context ends
                // with this call, so the scope is not closed.
                tracing.makeCurrent();
                return work.get();
            });
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
