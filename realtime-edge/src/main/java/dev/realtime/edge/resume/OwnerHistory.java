package dev.realtime.edge.resume;

import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.history.RoomEventPage;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.contracts.rooms.RoomKind;
import dev.realtime.edge.config.EdgeConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A room's events after a seq, read from the service that owns the room (the events-after-seq endpoint every domain
 * service serves) on a member's behalf: with the edge's own token ({@link OwnerCredentials}, role
 * {@code history-reader}) and {@code X-On-Behalf-Of: <member>}. The owner decides whether that member may read them,
 * exactly as for a request of the member's own.
 */
@ApplicationScoped
public class OwnerHistory {
    private static final Logger LOG = Logger.getLogger(OwnerHistory.class);

    /** The owner did not answer with a page: not reachable, or it refused (the user is no longer a member, say). */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final EdgeConfig config;
    private final OwnerCredentials credentials;
    private final WebClient client;

    @Inject
    public OwnerHistory(Vertx vertx, EdgeConfig config, OwnerCredentials credentials) {
        this.config = config;
        this.credentials = credentials;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) config.resume().fetchTimeout().toMillis())
                .setKeepAlive(true));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** The URL of the room's events endpoint, when its kind has an owner. */
    public Optional<String> endpoint(Room room) {
        return room.kind().historyPath(room.id()).map(path -> base(ownerUrl(room.kind())) + path);
    }

    private String ownerUrl(RoomKind kind) {
        return switch (kind) {
            case CONVERSATION -> config.chat().url();
            case PROJECT -> config.activity().url();
            case USER -> config.notification().url();
            case ROLE, ALL -> throw new IllegalArgumentException(kind + " rooms have no owner");
        };
    }

    private static String base(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * One page of events with {@code seq > after}, oldest first, as {@code member} may read them; {@code trace}: the
     * resume's span, or null.
     */
    public Uni<RoomEventPage> page(String endpoint, String member, long after, int limit, TraceParent trace) {
        return credentials.getTokens()
                // TokenRequestTimeout ends a token request the issuer never answers; this bounds the wait regardless.
                .ifNoItem().after(config.resume().fetchTimeout()).fail()
                .onFailure().transform(failure -> new Unavailable("no token of the edge's own: "
                        + failure.getClass().getSimpleName()))
                .chain(tokens -> send(endpoint, tokens.getAccessToken(), member, after, limit, trace));
    }

    private Uni<RoomEventPage> send(String endpoint, String edgeToken, String member, long after, int limit,
            TraceParent trace) {
        HttpRequest<Buffer> request = client.getAbs(endpoint)
                .addQueryParam(RoomEventPage.AFTER, Long.toString(after))
                .addQueryParam(RoomEventPage.LIMIT, Integer.toString(limit))
                .putHeader("Authorization", "Bearer " + edgeToken)
                .putHeader(RoomEventPage.ON_BEHALF_OF, member)
                .putHeader("Accept", "application/json")
                .timeout(config.resume().fetchTimeout().toMillis());
        if (trace != null) {
            request.putHeader(TraceParent.HEADER, trace.format());
        }
        return request.send()
                .onFailure().transform(failure -> new Unavailable("no answer: " + failure.getClass().getSimpleName()))
                .map(response -> parse(endpoint, response))
                .onFailure(failure -> !(failure instanceof Unavailable))
                .transform(failure -> new Unavailable("no usable answer: " + failure.getMessage()));
    }

    private static RoomEventPage parse(String endpoint, HttpResponse<?> response) {
        if (response.statusCode() != 200) {
            // 404 is what an owner answers a user who may not (or no longer) read the room.
            LOG.debugf("History endpoint %s answered %d", endpoint, response.statusCode());
            throw new IllegalStateException("status " + response.statusCode());
        }
        try {
            return RoomEventPage.read(response.bodyAsBuffer().getBytes());
        } catch (IOException e) {
            throw new IllegalStateException("not an events page: " + e.getClass().getSimpleName());
        }
    }
}
