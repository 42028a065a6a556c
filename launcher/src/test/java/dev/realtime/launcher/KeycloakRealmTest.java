package dev.realtime.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The repository's realm, as the launcher hands it to a stack's Keycloak. */
class KeycloakRealmTest {
    private static final Path REALM = Path.of("..", "deploy", "keycloak", "realtime-realm.json");

    @Test
    void theWebClientAcceptsTheStacksOriginsAndTokensLiveTheStacksLifetime() throws IOException {
        byte[] original = Files.readAllBytes(REALM);

        JsonNode adapted = Json.mapper().readTree(KeycloakServer.adaptRealm(original,
                List.of("http://localhost:41234", "http://localhost:8090"), Duration.ofSeconds(60)));

        assertEquals(60, adapted.path("accessTokenLifespan").asInt());
        // The realm's own redirect URIs stay, once each; the stack's demo origin is added.
        assertEquals(List.of("http://localhost:8080/*", "http://localhost:8090/*", "http://localhost:5173/*",
                "http://localhost:41234/*"), redirectUris(adapted, "web"));
        assertEquals(redirectUris(Json.mapper().readTree(original), "service"), redirectUris(adapted, "service"));
        assertArrayEquals(original, Files.readAllBytes(REALM), "the repository's realm file is not changed");
    }

    @Test
    void withoutALifetimeTheRealmsOwnStays() throws IOException {
        JsonNode adapted = Json.mapper().readTree(KeycloakServer.adaptRealm(Files.readAllBytes(REALM), List.of(), null));

        assertEquals(300, adapted.path("accessTokenLifespan").asInt());
        assertEquals(List.of("http://localhost:8080/*", "http://localhost:8090/*", "http://localhost:5173/*"),
                redirectUris(adapted, "web"));
    }

    private static List<String> redirectUris(JsonNode realm, String clientId) {
        List<String> uris = new ArrayList<>();
        for (JsonNode client : realm.path("clients")) {
            if (clientId.equals(client.path("clientId").asText())) {
                client.path("redirectUris").forEach(uri -> uris.add(uri.asText()));
            }
        }
        return uris;
    }
}
