package dev.realtime.notification.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * This service's copy of the conversations it must know (title, project, members), kept from chat.events so
 * that a notification never needs a call to chat-service. Writes are idempotent: a redelivered event changes
 * nothing.
 */
@ApplicationScoped
public class ConversationStore {

    @Inject
    Pool client;

    public record Conversation(String id, String title, String projectId, boolean direct) {
    }

    public Uni<Void> created(String id, String title, String projectId, boolean direct, List<String> members) {
        return client.withTransaction(tx -> tx.preparedQuery("""
                        insert into nt_conversations (id, title, project_id, direct) values ($1, $2, $3, $4)
                        on conflict (id) do update set title = excluded.title, project_id = excluded.project_id,
                            direct = excluded.direct""")
                .execute(Tuple.of(id, title, projectId, direct))
                .chain(() -> tx.preparedQuery("insert into nt_conversation_members (conversation_id, user_id)"
                                + " select $1, unnest($2::text[]) on conflict do nothing")
                        .execute(Tuple.of(id, members.toArray(String[]::new)))))
                .replaceWithVoid();
    }

    public Uni<Void> renamed(String id, String title) {
        return client.preparedQuery("update nt_conversations set title = $2 where id = $1")
                .execute(Tuple.of(id, title)).replaceWithVoid();
    }

    /**
     * True when the user was not a member before. Not used to decide whether to notify: a crash between this write
     * and the notification must still notify on redelivery (the notification's own idempotency handles copies).
     */
    public Uni<Boolean> added(String id, String user) {
        return client.preparedQuery("insert into nt_conversation_members (conversation_id, user_id) values ($1, $2)"
                        + " on conflict do nothing")
                .execute(Tuple.of(id, user)).map(rows -> rows.rowCount() > 0);
    }

    public Uni<Boolean> removed(String id, String user) {
        return client.preparedQuery("delete from nt_conversation_members where conversation_id = $1 and user_id = $2")
                .execute(Tuple.of(id, user)).map(rows -> rows.rowCount() > 0);
    }

    public Uni<Conversation> find(String id) {
        return client.preparedQuery("select * from nt_conversations where id = $1").execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new Conversation(id, row.getString("title"), row.getString("project_id"),
                            row.getBoolean("direct"));
                });
    }

    public Uni<List<String>> members(String id) {
        return client.preparedQuery("select user_id from nt_conversation_members where conversation_id = $1")
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<String> members = new ArrayList<>(rows.size());
                    rows.forEach(row -> members.add(row.getString(0)));
                    return members;
                });
    }
}
