package dev.realtime.notification.messaging;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/** Runs reactive work from a consumer thread, which may block: on a fresh Vert.x context, waiting for the result. */
final class Blocking {
    private Blocking() {
    }

    static <T> T await(Supplier<Uni<T>> work) throws Exception {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
