package dev.realtime.notification.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Who is due a digest e-mail, and the claim that makes each notification part of at most one digest. */
@ApplicationScoped
public class DigestStore {

    @Inject
    Pool client;

    /** {@code upToSeq}: every notification up to it was in an earlier digest; {@code email}: from the token claim. */
    public record Candidate(String userId, long upToSeq, String email) {
    }

    /**
     * Users with unread notifications not yet e-mailed, e-mail on, offline for at least {@code offlineAfter}
     * (online = an instance's latest announcement has connections and is younger than {@code presenceTtl}), and
     * whose last digest is older than {@code minInterval}. A user never seen online counts as offline.
     */
    public Uni<List<Candidate>> candidates(Duration offlineAfter, Duration presenceTtl, Duration minInterval, int limit) {
        return client.preparedQuery("""
                with seen as (
                    select user_id, max(case when connections > 0 then least(at + make_interval(secs => $2), now())
                                             else at end) as last_seen
                    from nt_presence group by user_id)
                select i.user_id, coalesce(d.up_to_seq, 0) as up_to_seq, c.email
                from nt_inbox i
                left join nt_digests d on d.user_id = i.user_id
                left join seen s on s.user_id = i.user_id
                left join nt_preferences p on p.user_id = i.user_id
                left join nt_contacts c on c.user_id = i.user_id
                where i.unread_count > 0
                  and coalesce(p.email_enabled, true)
                  and (s.last_seen is null or s.last_seen < now() - make_interval(secs => $1))
                  and (d.sent_at is null or d.sent_at < now() - make_interval(secs => $3))
                  and exists (select 1 from nt_notifications n where n.user_id = i.user_id and n.read_at is null
                              and n.seq > coalesce(d.up_to_seq, 0))
                limit $4""")
                .execute(Tuple.of(seconds(offlineAfter), seconds(presenceTtl), seconds(minInterval), limit))
                .map(rows -> {
                    List<Candidate> list = new ArrayList<>(rows.size());
                    rows.forEach(row -> list.add(new Candidate(row.getString("user_id"), row.getLong("up_to_seq"),
                            row.getString("email"))));
                    return list;
                });
    }

    /**
     * Moves the user's digest mark from {@code previous} to {@code upToSeq}; false when another instance (or an
     * earlier run) moved it first, so the same notifications are never e-mailed twice.
     */
    public Uni<Boolean> claim(String user, long previous, long upToSeq, int count) {
        return client.preparedQuery("""
                insert into nt_digests (user_id, up_to_seq, sent_at, count) values ($1, $2, now(), $3)
                on conflict (user_id) do update set up_to_seq = excluded.up_to_seq, sent_at = now(), count = excluded.count
                where nt_digests.up_to_seq = $4
                returning user_id""")
                .execute(Tuple.of(user, upToSeq, count, previous))
                .map(rows -> rows.size() == 1);
    }

    /** Gives a claim back after the mail could not be sent, so the next run tries again. */
    public Uni<Void> release(String user, long previous, long upToSeq) {
        return client.preparedQuery("update nt_digests set up_to_seq = $2, sent_at = 'epoch' where user_id = $1"
                        + " and up_to_seq = $3")
                .execute(Tuple.of(user, previous, upToSeq)).replaceWithVoid();
    }

    public Uni<Void> rememberEmail(String user, String email) {
        return client.preparedQuery("""
                insert into nt_contacts (user_id, email, updated_at) values ($1, $2, now())
                on conflict (user_id) do update set email = excluded.email, updated_at = now()
                where nt_contacts.email <> excluded.email""")
                .execute(Tuple.of(user, email)).replaceWithVoid();
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
