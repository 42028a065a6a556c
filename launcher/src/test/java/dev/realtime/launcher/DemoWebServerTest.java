package dev.realtime.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoWebServerTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String INDEX = "<!DOCTYPE html><title>demo</title><script src=\"/app.js\"></script>";
    private static final String CONFIG = "{\"issuer\":\"http://localhost:1/realms/dev\"}";

    @TempDir
    Path dir;

    private Path root;
    private DemoWebServer server;

    @BeforeEach
    void distDirectory() throws IOException {
        root = Files.createDirectories(dir.resolve("dist"));
        Files.writeString(root.resolve("index.html"), INDEX);
        Files.writeString(root.resolve("app.js"), "console.log('demo');");
        Files.writeString(root.resolve("app.css"), "body{}");
        Files.writeString(root.resolve("app.js.map"), "{}");
        Files.writeString(root.resolve("module.mjs"), "export {};");
        Files.writeString(root.resolve("data.json"), "[]");
        Files.writeString(root.resolve("logo.svg"), "<svg/>");
        Files.write(root.resolve("logo.png"), new byte[] { (byte) 0x89, 'P', 'N', 'G' });
        Files.write(root.resolve("favicon.ico"), new byte[] { 0, 0, 1, 0 });
        Files.writeString(root.resolve("robots.txt"), "User-agent: *");
        Files.write(root.resolve("font.woff2"), new byte[] { 'w', 'O', 'F', '2' });
        Files.createDirectories(root.resolve("assets"));
        Files.writeString(root.resolve("assets/chunk.js"), "export const x = 1;");
        // Outside the root, where a traversal would lead.
        Files.writeString(dir.resolve("pom.xml"), "<project>secret</project>");
        Files.writeString(dir.resolve("secret.txt"), "secret");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesFilesWithTheirContentTypes() throws Exception {
        start(root);
        Map<String, String> types = Map.ofEntries(
                Map.entry("/app.js", "text/javascript; charset=utf-8"),
                Map.entry("/module.mjs", "text/javascript; charset=utf-8"),
                Map.entry("/app.css", "text/css; charset=utf-8"),
                Map.entry("/app.js.map", "application/json; charset=utf-8"),
                Map.entry("/data.json", "application/json; charset=utf-8"),
                Map.entry("/logo.svg", "image/svg+xml"),
                Map.entry("/logo.png", "image/png"),
                Map.entry("/favicon.ico", "image/x-icon"),
                Map.entry("/robots.txt", "text/plain; charset=utf-8"),
                Map.entry("/font.woff2", "font/woff2"),
                Map.entry("/assets/chunk.js", "text/javascript; charset=utf-8"),
                Map.entry("/index.html", "text/html; charset=utf-8"));
        for (Map.Entry<String, String> entry : types.entrySet()) {
            HttpResponse<byte[]> response = get(entry.getKey());
            assertEquals(200, response.statusCode(), entry.getKey());
            assertEquals(entry.getValue(), response.headers().firstValue("Content-Type").orElse(""), entry.getKey());
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertArrayEquals(Files.readAllBytes(root.resolve(entry.getKey().substring(1))), response.body(),
                    entry.getKey());
        }
        assertTrue(get("/app.js").headers().firstValue("Cache-Control").isEmpty());
    }

    @Test
    void theIndexIsServedAtTheRootWithoutCachingAndWithSecurityHeaders() throws Exception {
        start(root);
        for (String path : List.of("/", "/index.html")) {
            HttpResponse<byte[]> response = get(path);
            assertEquals(200, response.statusCode(), path);
            assertEquals(INDEX, new String(response.body(), StandardCharsets.UTF_8));
            assertEquals("text/html; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElse(""), path);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""), path);
        }
    }

    @Test
    void appRoutesAndPathsWithoutAnExtensionAnswerTheIndex() throws Exception {
        start(root);
        for (String path : List.of("/conversations/abc", "/projects/p1/tracks/t9", "/notifications", "/assets",
                "/conversations/abc/", "/projects/p1/files/mix.wav", "/projects/p1/tracks/v1.2")) {
            HttpResponse<byte[]> response = get(path);
            assertEquals(200, response.statusCode(), path);
            assertEquals(INDEX, new String(response.body(), StandardCharsets.UTF_8), path);
            assertEquals("text/html; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElse(""), path);
        }
    }

    @Test
    void aMissingFileWithAnExtensionIs404() throws Exception {
        start(root);
        for (String path : List.of("/missing.js", "/assets/other.css", "/favicon.ico.gz")) {
            assertEquals(404, get(path).statusCode(), path);
        }
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        start(root);
        HttpResponse<byte[]> head = HTTP.send(HttpRequest.newBuilder(uri("/app.js"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(Files.size(root.resolve("app.js"))),
                head.headers().firstValue("Content-Length").orElse(""));
        assertEquals(0, head.body().length);

        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(uri("/index.html"))
                    .method(method, HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(405, response.statusCode(), method);
            assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""), method);
        }
    }

    @Test
    void nothingOutsideTheRootIsServed() throws Exception {
        Files.createSymbolicLink(root.resolve("leak.xml"), dir.resolve("pom.xml"));
        Files.createSymbolicLink(root.resolve("outside"), dir);
        start(root);
        for (String path : List.of("/../pom.xml", "/%2e%2e/pom.xml", "/%2E%2E/pom.xml", "/..%2fpom.xml",
                "/%2e%2e%2fpom.xml", "/assets/../../pom.xml", "/assets/%2e%2e/%2e%2e/secret.txt", "/..",
                "/./app.js", "/%00app.js", "/%5c..%5cpom.xml", "/leak.xml", "/outside/secret.txt",
                "/outside/pom.xml")) {
            String response = rawGet(path);
            assertTrue(response.startsWith("HTTP/1.1 404"), path + " -> " + response);
            assertFalse(response.contains("secret"), path + " -> " + response);
        }
        // Targets that are not even a URI: the JDK server itself may refuse them with 400.
        for (String path : List.of("/..\\pom.xml", "/%zz.js")) {
            String response = rawGet(path);
            assertTrue(response.startsWith("HTTP/1.1 404") || response.startsWith("HTTP/1.1 400"),
                    path + " -> " + response);
            assertFalse(response.contains("secret"), path + " -> " + response);
        }
        // A link that stays inside the root is fine.
        Files.createSymbolicLink(root.resolve("alias.js"), root.resolve("app.js"));
        assertEquals(200, get("/alias.js").statusCode());
    }

    @Test
    void configJsonIsGeneratedAndNotCached() throws Exception {
        Files.writeString(root.resolve("config.json"), "{\"from\":\"the file\"}");
        start(root);

        HttpResponse<byte[]> response = get("/config.json");

        assertEquals(200, response.statusCode());
        assertEquals(CONFIG, new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void configJsonNamesTheStacksIssuerClientAndServices(@TempDir Path repo) throws IOException, JoseException {
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Files.createDirectories(repo.resolve("launcher"));
        Files.writeString(repo.resolve("launcher/pom.xml"), "<project/>");
        Map<String, String> properties = new HashMap<>();
        properties.put("user.dir", repo.toString());
        properties.put("java.home", "/opt/jdk");
        Map<String, String> environment = Map.of("STACK_ISSUER_PORT", "18180", "STACK_EDGE_PORT", "18080",
                "STACK_CHAT_PORT", "18081", "STACK_ACTIVITY_PORT", "18082", "STACK_NOTIFICATION_PORT", "18083",
                "STACK_DEMO_PORT", "18090");
        StackConfig config = StackConfig.from(properties, environment);

        assertEquals(Map.of("issuer", "http://localhost:18180/realms/dev", "clientId", "realtime-web",
                "edgeWsUrl", "ws://localhost:18080/ws", "chatUrl", "http://localhost:18081",
                "activityUrl", "http://localhost:18082", "notificationUrl", "http://localhost:18083"),
                JsonUtil.parseJson(DemoWebServer.configJson(config)));
        assertEquals(repo.resolve("clients/demo/dist").toAbsolutePath().normalize(), config.demoDistDir());
        assertEquals("http://localhost:18090", config.demoUrl());
    }

    @Test
    void anUnbuiltDemoAnswers503WithTheBuildCommand() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("not-built"));
        start(empty);
        for (String path : List.of("/", "/index.html", "/conversations/abc", "/app.js")) {
            HttpResponse<byte[]> response = get(path);
            assertEquals(503, response.statusCode(), path);
            assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            String body = new String(response.body(), StandardCharsets.UTF_8);
            assertTrue(body.contains("not built"), body);
            assertTrue(body.contains("./mvnw install -DskipTests"), body);
        }
        // The app's configuration does not depend on the build.
        assertEquals(200, get("/config.json").statusCode());
    }

    @Test
    void aMissingRootDirectoryIsAnUnbuiltDemoToo() throws Exception {
        start(dir.resolve("does-not-exist"));
        assertEquals(503, get("/").statusCode());
    }

    // ---- helpers

    private void start(Path directory) {
        server = new DemoWebServer(0, directory, CONFIG).start();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + server.port() + path);
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A GET with exactly this request target on the wire (no client-side normalization). */
    private String rawGet(String target) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
