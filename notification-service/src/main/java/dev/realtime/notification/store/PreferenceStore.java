package dev.realtime.notification.store;

import dev.realtime.notification.model.Preferences;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Preferences per user (a setting, last write wins; not a room's history, so not event-sourced). */
@ApplicationScoped
public class PreferenceStore {

    @Inject
    Pool client;

    public Uni<Preferences> get(String user) {
        return client.preparedQuery("select * from nt_preferences where user_id = $1").execute(Tuple.of(user))
                .map(rows -> rows.size() == 0 ? Preferences.DEFAULT : of(rows.iterator().next()));
    }

    /** Preferences of many users at once (a fan-out); users without a row are absent from the map. */
    public Uni<Map<String, Preferences>> getAll(Collection<String> users) {
        return client.preparedQuery("select * from nt_preferences where user_id = any($1)")
                .execute(Tuple.of(users.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Preferences> map = new HashMap<>();
                    rows.forEach(row -> map.put(row.getString("user_id"), of(row)));
                    return map;
                });
    }

    public Uni<Preferences> put(String user, Preferences p) {
        Preferences.QuietHours quiet = p.quietHours();
        return client.preparedQuery("""
                insert into nt_preferences (user_id, email_enabled, muted_types, muted_conversations, muted_projects,
                    quiet_start, quiet_end, time_zone, updated_at)
                values ($1, $2, $3, $4, $5, $6, $7, $8, now())
                on conflict (user_id) do update set email_enabled = excluded.email_enabled,
                    muted_types = excluded.muted_types, muted_conversations = excluded.muted_conversations,
                    muted_projects = excluded.muted_projects, quiet_start = excluded.quiet_start,
                    quiet_end = excluded.quiet_end, time_zone = excluded.time_zone, updated_at = now()""")
                .execute(Tuple.from(new Object[] {user, p.emailEnabled(), p.mutedTypes().toArray(String[]::new),
                        p.mutedConversations().toArray(String[]::new), p.mutedProjects().toArray(String[]::new),
                        quiet == null ? null : quiet.start().toString(), quiet == null ? null : quiet.end().toString(),
                        quiet == null ? null : quiet.zone().getId()}))
                .replaceWith(p);
    }

    private static Preferences of(Row row) {
        String start = row.getString("quiet_start");
        Preferences.QuietHours quiet = start == null ? null : new Preferences.QuietHours(LocalTime.parse(start),
                LocalTime.parse(row.getString("quiet_end")), ZoneId.of(row.getString("time_zone")));
        return new Preferences(row.getBoolean("email_enabled"), set(row.getArrayOfStrings("muted_types")),
                set(row.getArrayOfStrings("muted_conversations")), set(row.getArrayOfStrings("muted_projects")), quiet);
    }

    private static Set<String> set(String[] values) {
        return values == null ? Set.of() : new LinkedHashSet<>(Arrays.asList(values));
    }
}
