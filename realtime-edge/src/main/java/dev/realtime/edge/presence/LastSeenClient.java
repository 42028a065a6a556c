package dev.realtime.edge.presence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.Json;
import dev.realtime.edge.config.EdgeConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * "Last seen" of a user, from notification-service, which keeps it from the edge's connection lifecycle
 * ({@code GET /api/users/{user}/presence}, docs/notification-api.md), asked with the caller's own token. Empty when it
 * does not answer within {@link #TIMEOUT} or refuses: the live part of a presence answer never waits longer.
 */
@ApplicationScoped
public class LastSeenClient {
    private static final Logger LOG = Logger.getLogger(LastSeenClient.class);
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final EdgeConfig config;
    private final WebClient client;

    @Inject
    public LastSeenClient(Vertx vertx, EdgeConfig config) {
        this.config = config;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) TIMEOUT.toMillis()).setKeepAlive(true));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    public Uni<Optional<JsonNode>> lastSeen(String user, String bearerToken) {
        String base = config.notification().url();
        String url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/users/"
                + URLEncoder.encode(user, StandardCharsets.UTF_8) + "/presence";
        return client.getAbs(url)
                .putHeader("Authorization", "Bearer " + bearerToken)
                .putHeader("Accept", "application/json")
                .timeout(TIMEOUT.toMillis())
                .send()
                .map(response -> {
                    if (response.statusCode() != 200) {
                        LOG.debugf("Last seen of %s: notification-service answered %d", user, response.statusCode());
                        return Optional.<JsonNode>empty();
                    }
                    try {
                        return Optional.of(Json.mapper().readTree(response.bodyAsBuffer().getBytes()));
                    } catch (java.io.IOException | RuntimeException e) {
                        LOG.debugf("Last seen of %s: notification-service answered no JSON", user);
                        return Optional.<JsonNode>empty();
                    }
                })
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("Last seen of %s: no answer from notification-service (%s)", user, failure.toString());
                    return Optional.empty();
                });
    }
}
