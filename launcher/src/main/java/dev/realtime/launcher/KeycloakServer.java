package dev.realtime.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtime.contracts.events.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real Keycloak, for {@code STACK_IDP=keycloak ./local-stack.sh} and the tests: its server distribution (the {@code org.keycloak:keycloak-quarkus-dist} zip from the
 * local Maven repository) unpacked into a folder of the build and started in development mode with the repository's
 * own realm ({@code deploy/keycloak/realtime-realm.json}, the one docker-compose imports), on an in-memory database,
 * so every start imports the realm as it is in the repository. About 15 s warm, 40 s on the first start of an
 * unpacked distribution (Keycloak builds itself once), and 400-500 MB.
 *
 * <pre>
 * try (KeycloakServer keycloak = KeycloakServer.start(zip, realm, Path.of("target/keycloak"))) {
 *     String token = keycloak.passwordToken("web", "alice", "alice");
 * }
 * </pre>
 */
public final class KeycloakServer implements AutoCloseable {
    /** The realm of deploy/keycloak/realtime-realm.json. */
    public static final String REALM = "realtime";
    /** The version the build downloads (the root pom's {@code keycloak.version}; LocalStackTest compares them). */
    public static final String VERSION = "26.7.3";
    /** The realm's public client of the demo app and the SDK. */
    public static final String WEB_CLIENT_ID = "web";
    /** Keycloak's own administration console at {@code /admin} (master realm), for this machine only. */
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private final Process process;
    private final int port;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycloakServer(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Unpacks {@code distributionZip} into {@code workDir} (once; an existing unpacked copy is reused), puts
     * {@code realmJson} in its import folder and starts Keycloak on {@code port} (0: a free one) of the loopback
     * interface; returns once the realm's discovery document answers.
     */
    public static KeycloakServer start(Path distributionZip, Path realmJson, Path workDir, int port) {
        return start(distributionZip, realmJson, workDir, port, List.of(), null);
    }

    /**
     * As {@link #start(Path, Path, Path, int)}, with the realm adapted to this stack before the import (the file in
     * the repository is not changed): the {@link #WEB_CLIENT_ID web} client also accepts sign-ins that return to
     * {@code webAppOrigins} (a test stack's demo runs on a random port, the realm names the usual ones), and access
     * tokens live {@code accessTokenLifespan} (null: the realm's 300 s) so that a test sees its app refresh them.
     */
    public static KeycloakServer start(Path distributionZip, Path realmJson, Path workDir, int port,
            List<String> webAppOrigins, Duration accessTokenLifespan) {
        if (!Files.isRegularFile(distributionZip)) {
            throw new LocalStackException("no Keycloak distribution at " + distributionZip
                    + " (the e2e-tests module declares it as a dependency: ./mvnw install once online downloads it;"
                    + " or set STACK_KEYCLOAK_ZIP)");
        }
        workDir = workDir.toAbsolutePath().normalize();
        try {
            Path home = unpack(distributionZip, workDir);
            Path imports = Files.createDirectories(home.resolve("data/import"));
            Files.write(imports.resolve(realmJson.getFileName()),
                    adaptRealm(Files.readAllBytes(realmJson), webAppOrigins, accessTokenLifespan));
            int[] free = StackConfig.freePorts(2);
            int httpPort = port == 0 ? free[0] : port;
            Path log = workDir.resolve("keycloak-" + httpPort + ".log");
            ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-host=" + LocalStack.LOOPBACK, "--http-port=" + httpPort,
                    "--http-management-port=" + free[1], "--db=dev-mem", "--import-realm")
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            // Keycloak sizes its heap from the machine's memory otherwise (70 %).
            env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
            // The JVM running the tests runs Keycloak too (17, 21 and 25 all work).
            env.put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            KeycloakServer server = new KeycloakServer(builder.start(), httpPort, log);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "keycloak-stop"));
            server.awaitRealm();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak did not start", e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://localhost:<port>/realms/realtime}: what the services take as quarkus.oidc.auth-server-url. */
    public String issuerUrl() {
        return "http://localhost:" + port + "/realms/" + REALM;
    }

    public String tokenEndpoint() {
        return issuerUrl() + "/protocol/openid-connect/token";
    }

    /** An access token of a user, by the resource owner password grant of a client that allows it. */
    public String passwordToken(String clientId, String username, String password) {
        return token(Map.of("grant_type", "password", "client_id", clientId, "username", username,
                "password", password), null);
    }

    /** An access token of a confidential client's service account (client credentials grant). */
    public String clientCredentialsToken(String clientId, String secret) {
        return token(Map.of("grant_type", "client_credentials"),
                "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret)
                        .getBytes(StandardCharsets.UTF_8)));
    }

    /** The claims of a token (no signature check: for assertions on what Keycloak issued). */
    public static JsonNode claims(String token) {
        String[] parts = token.split("\\.");
        return Json.mapper().valueToTree(Json.read(Base64.getUrlDecoder().decode(parts[1]), Map.class));
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        // kc.sh may run Keycloak's JVM as its child: stop both.
        List<ProcessHandle> all = process.descendants().collect(Collectors.toList());
        process.destroy();
        all.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                all.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String token(Map<String, String> form, String authorization) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Keycloak refused a token (" + response.statusCode() + "): "
                        + response.body());
            }
            return Json.mapper().readTree(response.body()).path("access_token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitRealm() {
        URI discovery = URI.create(issuerUrl() + "/.well-known/openid-configuration");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; its log: "
                        + logFile);
            }
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("Keycloak's realm did not answer within " + START_TIMEOUT
                        + "; its log: " + logFile);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The realm JSON with {@code webAppOrigins} among the web client's redirect URIs, and the token lifespan. */
    static byte[] adaptRealm(byte[] realmJson, List<String> webAppOrigins, Duration accessTokenLifespan)
            throws IOException {
        ObjectNode realm = (ObjectNode) Json.mapper().readTree(realmJson);
        if (accessTokenLifespan != null) {
            realm.put("accessTokenLifespan", accessTokenLifespan.toSeconds());
        }
        for (JsonNode client : realm.path("clients")) {
            if (WEB_CLIENT_ID.equals(client.path("clientId").asText())) {
                ArrayNode redirects = (ArrayNode) client.get("redirectUris");
                Set<String> present = new HashSet<>();
                redirects.forEach(uri -> present.add(uri.asText()));
                webAppOrigins.stream().map(origin -> origin + "/*").filter(present::add).forEach(redirects::add);
            }
        }
        return Json.mapper().writeValueAsBytes(realm);
    }

    /** The distribution's top folder ({@code keycloak-<version>}) inside {@code workDir}, unpacked if missing. */
    private static Path unpack(Path zip, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path marker = workDir.resolve(zip.getFileName() + ".unpacked");
        if (Files.isRegularFile(marker)) {
            return workDir.resolve(Files.readString(marker).trim());
        }
        String top = null;
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                Path target = workDir.resolve(entry.getName()).normalize();
                if (!target.startsWith(workDir.normalize())) {
                    throw new IOException("zip entry outside the folder: " + entry.getName());
                }
                if (top == null) {
                    top = Path.of(entry.getName()).getName(0).toString();
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (top == null) {
            throw new IOException("empty zip: " + zip);
        }
        // Written last: a half-unpacked folder (a killed build) is unpacked again.
        Files.writeString(marker, top);
        return workDir.resolve(top);
    }

    @Override
    public String toString() {
        return "KeycloakServer[" + issuerUrl() + "]";
    }
}
