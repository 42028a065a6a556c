package dev.realtime.notification.store;

import dev.realtime.contracts.signals.SignalTypes;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A user's presence as notification-service knows it: online now from the edge's presence announcements
 * ({@code nt_presence}, the contract's TTL), last connect and disconnect from the connection lifecycle
 * ({@code nt_last_seen}).
 */
@ApplicationScoped
public class LastSeenStore {

    /**
     * @param lastSeenAt the latest moment the user is known to have been connected: a connected announcement counts
     *        until its TTL ran out (or now), a disconnect at its time
     */
    public record UserPresence(String user, boolean online, int connections, Instant lastSeenAt,
            Instant lastConnectedAt, Instant lastDisconnectedAt, Integer lastCloseCode) {
    }

    @Inject
    Pool client;

    public Uni<Void> connected(String user, Instant at) {
        return client.preparedQuery("""
                insert into nt_last_seen (user_id, last_connected_at) values ($1, $2)
                on conflict (user_id) do update
                set last_connected_at = greatest(nt_last_seen.last_connected_at, excluded.last_connected_at)""")
                .execute(Tuple.of(user, utc(at))).replaceWithVoid();
    }

    /** The close code is the latest close's: an older close arriving late changes neither. */
    public Uni<Void> disconnected(String user, Instant at, Integer closeCode) {
        return client.preparedQuery("""
                insert into nt_last_seen (user_id, last_disconnected_at, last_close_code) values ($1, $2, $3)
                on conflict (user_id) do update
                set last_close_code = case
                        when nt_last_seen.last_disconnected_at is null
                          or excluded.last_disconnected_at >= nt_last_seen.last_disconnected_at
                        then excluded.last_close_code else nt_last_seen.last_close_code end,
                    last_disconnected_at = greatest(nt_last_seen.last_disconnected_at, excluded.last_disconnected_at)""")
                .execute(Tuple.of(user, utc(at), closeCode)).replaceWithVoid();
    }

    public Uni<UserPresence> find(String user) {
        return client.preparedQuery("""
                select l.last_connected_at, l.last_disconnected_at, l.last_close_code,
                       coalesce(p.connections, 0) as connections, p.last_present
                from (select $1::text as user_id) u
                left join nt_last_seen l on l.user_id = u.user_id
                left join lateral (
                    select sum(connections) filter (where connections > 0 and at > now() - make_interval(secs => $2))
                               as connections,
                           max(case when connections > 0 then least(at + make_interval(secs => $2), now())
                                    else at end) as last_present
                    from nt_presence where user_id = u.user_id) p on true""")
                .execute(Tuple.of(user, (double) SignalTypes.PRESENCE_TTL.toSeconds()))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    Instant connectedAt = instant(row.getOffsetDateTime("last_connected_at"));
                    Instant disconnectedAt = instant(row.getOffsetDateTime("last_disconnected_at"));
                    Instant present = instant(row.getOffsetDateTime("last_present"));
                    int connections = row.getLong("connections").intValue();
                    return new UserPresence(user, connections > 0, connections,
                            latest(latest(connectedAt, disconnectedAt), present), connectedAt, disconnectedAt,
                            row.getInteger("last_close_code"));
                });
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
