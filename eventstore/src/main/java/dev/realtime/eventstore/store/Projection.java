package dev.realtime.eventstore.store;

import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * A read model kept from the events. {@link #apply} runs in the transaction of the append, so the read
 * model never lags behind or disagrees with the log; {@link #reset} empties it before a replay rebuilds it.
 * Implementations are CDI beans; every bean of this type is applied, in {@link #name()} order.
 */
public interface Projection {

    String name();

    Uni<Void> apply(StoredEvent event, Mutiny.Session session);

    Uni<Void> reset(Mutiny.Session session);
}
