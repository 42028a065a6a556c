package dev.realtime.notification.store;

import dev.realtime.contracts.signals.PresenceSignal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The latest presence announcement per (user, edge instance); an older announcement never overwrites a newer one. */
@ApplicationScoped
public class PresenceStore {

    @Inject
    Pool client;

    public Uni<Void> record(PresenceSignal signal) {
        return client.preparedQuery("""
                insert into nt_presence (user_id, instance_id, connections, at) values ($1, $2, $3, $4)
                on conflict (user_id, instance_id) do update set connections = excluded.connections, at = excluded.at
                where nt_presence.at <= excluded.at""")
                .execute(Tuple.of(signal.userId(), signal.instanceId(), signal.connections(),
                        OffsetDateTime.ofInstant(signal.at(), ZoneOffset.UTC)))
                .replaceWithVoid();
    }
}
