package dev.realtime.eventstore.api;

import dev.realtime.eventstore.relay.RelayConfig;
import dev.realtime.eventstore.relay.StateSnapshot;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The operators' trigger for re-publishing a derived topic (docs/event-store.md, "Re-publishing derived state"): a
 * request is a counter in {@code es_republish}, so it reaches the publishing relay whichever instance took it; that
 * relay serves it within {@code eventstore.relay.poll-interval}. Callers need the token role {@code operator}.
 */
@Path("/api/admin/republish")
@RolesAllowed(RepublishResource.OPERATOR)
@Produces(MediaType.APPLICATION_JSON)
public class RepublishResource {
    /** The token role (from the roles claim) that may trigger and read re-publishes. */
    public static final String OPERATOR = "operator";
    private static final Logger LOG = Logger.getLogger(RepublishResource.class);

    private static final String REQUEST = """
            insert into es_republish (relay, snapshot, requested) values ($1, $2, 1)
            on conflict (relay, snapshot) do update set requested = es_republish.requested + 1
            returning requested
            """;
    private static final String STATUS = """
            select requested, done, republished_at, reason, records, tombstones, cluster_id, topic_id, end_offsets
              from es_republish where relay = $1 and snapshot = $2
            """;

    @Inject
    Instance<StateSnapshot> snapshots;

    @Inject
    RelayConfig relay;

    @Inject
    Pool pool;

    /** Status of every derived topic this service can re-publish. */
    @GET
    public Uni<List<Map<String, Object>>> list() {
        List<Uni<Map<String, Object>>> statuses = snapshots.stream().map(this::status).toList();
        return statuses.isEmpty() ? Uni.createFrom().item(List.of()) : Uni.join().all(statuses).andFailFast();
    }

    /** Status of one: requests made and served, and the last re-publish. */
    @GET
    @Path("{snapshot}")
    public Uni<Map<String, Object>> get(@PathParam("snapshot") String name) {
        return status(snapshot(name));
    }

    /** Asks for a re-publish: 202; served when {@code done} reaches the returned {@code request}. */
    @POST
    @Path("{snapshot}")
    public Uni<Response> request(@PathParam("snapshot") String name) {
        StateSnapshot snapshot = snapshot(name);
        return pool.preparedQuery(REQUEST).execute(Tuple.of(relay.name(), snapshot.name()))
                .map(rows -> rows.iterator().next().getLong(0))
                .chain(request -> status(snapshot).map(status -> {
                    LOG.infof("Re-publish of %s requested (request %d)", snapshot.name(), request);
                    Map<String, Object> body = new LinkedHashMap<>(status);
                    body.put("request", request);
                    return Response.accepted(body).location(URI.create("/api/admin/republish/" + snapshot.name()))
                            .build();
                }));
    }

    private StateSnapshot snapshot(String name) {
        return snapshots.stream().filter(snapshot -> snapshot.name().equals(name)).findFirst()
                .orElseThrow(NotFoundException::new);
    }

    private Uni<Map<String, Object>> status(StateSnapshot snapshot) {
        return pool.preparedQuery(STATUS).execute(Tuple.of(relay.name(), snapshot.name())).map(rows -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("snapshot", snapshot.name());
            body.put("topic", snapshot.topic());
            Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
            body.put("requested", row == null ? 0L : row.getLong("requested"));
            body.put("done", row == null ? 0L : row.getLong("done"));
            OffsetDateTime at = row == null ? null : row.getOffsetDateTime("republished_at");
            if (at == null) {
                body.put("last", null);
                return body;
            }
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("at", at);
            last.put("reason", row.getString("reason"));
            last.put("records", row.getLong("records"));
            last.put("tombstones", row.getLong("tombstones"));
            last.put("clusterId", row.getString("cluster_id"));
            last.put("topicId", row.getString("topic_id"));
            last.put("endOffsets", row.getString("end_offsets"));
            body.put("last", last);
            return body;
        });
    }
}
