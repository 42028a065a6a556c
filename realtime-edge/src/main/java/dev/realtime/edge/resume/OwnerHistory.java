package dev.realtime.edge.resume;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.config.EdgeConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A room's events after a seq, read from the service that owns the room (the events-after-seq endpoint every domain
 * service serves), with the user's own token: the owner decides whether this user may read them, exactly as for any
 * other request of theirs.
 */
@ApplicationScoped
public class OwnerHistory {
    private static final Logger LOG = Logger.getLogger(OwnerHistory.class);

    /**
     * One page: the events (as the owner renders them for the edge), the last seq read, whether more follow, and the
     * stream's newest seq when the owner read it ({@code head}; -1 from an owner that does not say).
     */
    public record Page(List<JsonNode> items, long lastSeq, boolean hasMore, long head) {
    }

    /** The owner did not answer with a page: not reachable, or it refused (the user is no longer a member, say). */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final EdgeConfig config;
    private final WebClient client;

    @Inject
    public OwnerHistory(Vertx vertx, EdgeConfig config) {
        this.config = config;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) config.resume().fetchTimeout().toMillis())
                .setKeepAlive(true));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** The URL of the room's events endpoint, when its kind has an owner configured. */
    public Optional<String> endpoint(Room room) {
        String id = URLEncoder.encode(room.id(), StandardCharsets.UTF_8);
        // The owners' documented endpoints: docs/chat-api.md, docs/activity-api.md, docs/notification-api.md.
        return Optional.ofNullable(switch (room.kind()) {
            case CONVERSATION -> base(config.chat().url()) + "/api/conversations/" + id + "/events";
            case PROJECT -> base(config.activity().url()) + "/api/projects/" + id + "/events";
            case USER -> base(config.notification().url()) + "/api/users/" + id + "/events";
            default -> null;
        });
    }

    private static String base(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** One page of events with {@code seq > after}, oldest first; {@code trace}: the resume's span, or null. */
    public Uni<Page> page(String endpoint, String bearerToken, long after, int limit, TraceParent trace) {
        HttpRequest<Buffer> request = client.getAbs(endpoint)
                .addQueryParam("after", Long.toString(after))
                .addQueryParam("limit", Integer.toString(limit))
                .putHeader("Authorization", "Bearer " + bearerToken)
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

    private static Page parse(String endpoint, HttpResponse<?> response) {
        if (response.statusCode() != 200) {
            // 404 is what an owner answers a user who may not (or no longer) read the room.
            LOG.debugf("History endpoint %s answered %d", endpoint, response.statusCode());
            throw new IllegalStateException("status " + response.statusCode());
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(response.bodyAsBuffer().getBytes());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON");
        }
        JsonNode items = body.path("items");
        if (!items.isArray() || !body.path("lastSeq").canConvertToLong()) {
            throw new IllegalStateException("not an events page");
        }
        List<JsonNode> events = new ArrayList<>(items.size());
        items.forEach(events::add);
        return new Page(events, body.path("lastSeq").asLong(), body.path("hasMore").asBoolean(false),
                body.path("head").canConvertToLong() ? body.path("head").asLong() : -1);
    }
}
