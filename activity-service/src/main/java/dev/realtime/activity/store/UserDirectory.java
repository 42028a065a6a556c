package dev.realtime.activity.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Display names of users as their identity provider states them (the {@code name} claim of their own tokens), kept
 * from their REST calls, so that a member added by id and an actor named by id alone show a name (docs/activity-api.md,
 * "Display names"). Written once per user and name per instance: the map below remembers what this instance wrote.
 */
@ApplicationScoped
public class UserDirectory {
    private static final Logger LOG = Logger.getLogger(UserDirectory.class);
    static final int MAX_NAME = 200;
    /** Beyond this many users the map starts again: it only saves writes, and a write is idempotent. */
    private static final int MAX_REMEMBERED = 100_000;

    @Inject
    Pool client;

    private final Map<String, String> written = new ConcurrentHashMap<>();

    /** Records {@code name} as the user's display name unless this instance already did; never fails the caller. */
    public void seen(String userId, String name) {
        if (name == null || name.isBlank()) {
            return;
        }
        String displayName = name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
        if (displayName.equals(written.get(userId))) {
            return;
        }
        if (written.size() >= MAX_REMEMBERED) {
            written.clear();
        }
        written.put(userId, displayName);
        client.preparedQuery("""
                        insert into act_user_names (user_id, display_name, seen_at) values ($1, $2, now())
                        on conflict (user_id) do update set display_name = excluded.display_name, seen_at = now()
                        where act_user_names.display_name <> excluded.display_name""")
                .execute(Tuple.of(userId, displayName))
                .subscribe().with(rows -> {
                }, failure -> {
                    // Tried again on the user's next call.
                    written.remove(userId, displayName);
                    LOG.debugf("display name of %s not stored: %s", userId, failure.toString());
                });
    }

    /**
     * The known display names of those of {@code userIds} that have one. On the caller's Hibernate session, so a
     * command that asks inside its transaction needs no second connection (a pool full of such commands would wait
     * for itself).
     */
    public Uni<Map<String, String>> namesOf(Collection<String> userIds) {
        Set<String> ids = userIds.stream().filter(id -> id != null).collect(Collectors.toSet());
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "select user_id, display_name from act_user_names where user_id in (:ids)", Object[].class)
                .setParameter("ids", ids)
                .getResultList())
                .map(rows -> {
                    Map<String, String> names = new HashMap<>();
                    rows.forEach(row -> names.put((String) row[0], (String) row[1]));
                    return names;
                });
    }

    public Uni<String> nameOf(String userId) {
        return namesOf(Set.of(userId)).map(names -> names.get(userId));
    }
}
