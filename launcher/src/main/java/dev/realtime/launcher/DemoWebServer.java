package dev.realtime.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.jose4j.json.JsonUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves the demo web app ({@code clients/demo/dist}, a static single-page app) on the loopback interface, and
 * generates its {@code /config.json}: where the issuer and the services of this stack are.
 * <ul>
 * <li>GET and HEAD only (405 otherwise); files with their content type; {@code Cache-Control: no-cache} on
 * {@code index.html} and {@code config.json}.</li>
 * <li>SPA fallback: a path that is not a file and whose last segment has no dot ({@code /conversations/abc})
 * answers {@code index.html}; a missing path with an extension is 404.</li>
 * <li>Nothing outside the root: {@code ..} segments (encoded or not) and symbolic links that leave it are 404.</li>
 * <li>Without {@code index.html} (the demo is not built) every path but {@code /config.json} and the mail pages
 * answers 503 with the command that builds it.</li>
 * <li>{@code /mail} (an HTML page, newest first, reloading itself) and {@code /mail.json}: the e-mails the stack's
 * SMTP sink has received, i.e. notification-service's digests.</li>
 * </ul>
 */
public final class DemoWebServer implements AutoCloseable {

    public static final String CONFIG_PATH = "/config.json";
    public static final String MAIL_PATH = "/mail";
    public static final String MAIL_JSON_PATH = "/mail.json";
    static final String BUILD_COMMAND = "./mvnw install -DskipTests";

    private static final Logger LOG = LoggerFactory.getLogger(DemoWebServer.class);
    private static final String INDEX = "index.html";
    /** The app's own routes: index.html whatever their ids look like (a target id may hold a dot). */
    private static final java.util.Set<String> APP_ROUTES = java.util.Set.of("conversations", "projects",
            "notifications", "auth");

    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("map", "application/json; charset=utf-8"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"));

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path root;
    private final byte[] configJson;
    private final Supplier<List<LocalMailSink.ReceivedMail>> mailbox;

    /**
     * Listens on {@code port} (0 = any free port) of the loopback interface and serves {@code root}; the server
     * runs once {@link #start()} is called.
     *
     * @param configJson the body of {@code GET /config.json}
     */
    public DemoWebServer(int port, Path root, String configJson) {
        this(port, root, configJson, List::of);
    }

    /** @param mailbox what {@code /mail} shows, oldest first */
    public DemoWebServer(int port, Path root, String configJson, Supplier<List<LocalMailSink.ReceivedMail>> mailbox) {
        this.root = root.toAbsolutePath().normalize();
        this.configJson = configJson.getBytes(StandardCharsets.UTF_8);
        this.mailbox = mailbox;
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("demo web server cannot listen on port " + port
                    + " (is another local stack running?)", e);
        }
        this.executor = Executors.newFixedThreadPool(4, daemonThreads("demo-web"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * The demo for a stack: {@code config.demoDistDir()} on {@code config.demoPort()}, showing what {@code mailSink}
     * received, started.
     */
    public static DemoWebServer start(StackConfig config, LocalMailSink mailSink) {
        DemoWebServer demo = new DemoWebServer(config.demoPort(), config.demoDistDir(), configJson(config),
                mailSink::received);
        demo.start();
        return demo;
    }

    public DemoWebServer start() {
        server.start();
        if (isBuilt()) {
            LOG.info("demo web app served url={} root={}", url(), root);
        } else {
            LOG.warn("demo web app is not built: no {} in {}; {} answers 503 until it is. Build it with: {}",
                    INDEX, root, url(), BUILD_COMMAND);
        }
        return this;
    }

    /**
     * What the demo reads at start: the issuer and client id to sign in with (authorization code flow with PKCE),
     * and the addresses of the edge and of the REST services. Every URL uses {@code localhost}, as the browser does.
     */
    public static String configJson(StackConfig config) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("issuer", config.issuerUrl());
        fields.put("clientId", config.webClientId());
        fields.put("edgeWsUrl", "ws://localhost:" + config.edgePort() + "/ws");
        fields.put("chatUrl", config.serviceUrl(StackService.CHAT));
        fields.put("activityUrl", config.serviceUrl(StackService.ACTIVITY));
        fields.put("notificationUrl", config.serviceUrl(StackService.NOTIFICATION));
        return JsonUtil.toJson(fields);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://localhost:" + port();
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod();
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                sendText(exchange, 405, "Method not allowed; use GET or HEAD.\n", false);
                return;
            }
            Optional<String[]> segments = segments(exchange.getRequestURI().getRawPath());
            if (segments.isEmpty()) {
                sendText(exchange, 404, "Not found.\n", head);
                return;
            }
            String relative = String.join("/", segments.get());
            if (("/" + relative).equals(CONFIG_PATH)) {
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                send(exchange, 200, CONTENT_TYPES.get("json"), configJson, head);
                return;
            }
            if (("/" + relative).equals(MAIL_PATH)) {
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                send(exchange, 200, CONTENT_TYPES.get("html"), MailPage.html(newestFirst()), head);
                return;
            }
            if (("/" + relative).equals(MAIL_JSON_PATH)) {
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                send(exchange, 200, CONTENT_TYPES.get("json"), MailPage.json(newestFirst()), head);
                return;
            }
            if (!isBuilt()) {
                sendText(exchange, 503, "The demo web app is not built: " + root.resolve(INDEX)
                        + " does not exist.\nBuild it (in the repository) with:\n\n    " + BUILD_COMMAND
                        + "\n\nthen reload this page.\n", head);
                return;
            }
            Optional<Path> file = relative.isEmpty() ? Optional.empty() : regularFileInside(relative);
            String[] parts = segments.get();
            String last = parts.length == 0 ? "" : parts[parts.length - 1];
            boolean appRoute = parts.length > 0 && APP_ROUTES.contains(parts[0]);
            if (file.isEmpty() && last.contains(".") && !appRoute) {
                sendText(exchange, 404, "Not found.\n", head);
                return;
            }
            // No such file and no extension: a route of the single-page app, which index.html renders.
            Path served = file.orElse(root.resolve(INDEX));
            sendFile(exchange, served, head);
        } catch (RuntimeException e) {
            LOG.error("demo web server failed on {} {}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), e);
            if (exchange.getResponseCode() == -1) {
                sendText(exchange, 500, "Unexpected error in the demo web server.\n", false);
            }
        } finally {
            exchange.close();
        }
    }

    /**
     * The decoded segments of a raw path, without empty ones; empty when the path is not acceptable: a {@code .}
     * or {@code ..} segment (after decoding, so {@code %2e%2e} too), a backslash, a control character, a bad escape.
     */
    static Optional<String[]> segments(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = percentDecode(rawPath);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String[] parts = Arrays.stream(decoded.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        for (String part : parts) {
            if (part.equals(".") || part.equals("..") || part.indexOf('\\') >= 0
                    || part.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                return Optional.empty();
            }
        }
        return Optional.of(parts);
    }

    /** The file at {@code relative} if it is a regular file whose real location is inside the root. */
    private Optional<Path> regularFileInside(String relative) {
        try {
            Path candidate = root.resolve(relative).normalize();
            if (!candidate.startsWith(root) || !Files.isRegularFile(candidate)) {
                return Optional.empty();
            }
            // Symbolic links may point anywhere: what counts is where the file really is.
            Path real = candidate.toRealPath();
            return real.startsWith(root.toRealPath()) ? Optional.of(real) : Optional.empty();
        } catch (InvalidPathException | IOException e) {
            return Optional.empty();
        }
    }

    private List<LocalMailSink.ReceivedMail> newestFirst() {
        List<LocalMailSink.ReceivedMail> mails = new ArrayList<>(mailbox.get());
        Collections.reverse(mails);
        return mails;
    }

    private boolean isBuilt() {
        return Files.isRegularFile(root.resolve(INDEX));
    }

    private static void sendFile(HttpExchange exchange, Path file, boolean head) throws IOException {
        String name = file.getFileName().toString();
        String extension = name.lastIndexOf('.') < 0 ? "" : name.substring(name.lastIndexOf('.') + 1)
                .toLowerCase(Locale.ROOT);
        String type = CONTENT_TYPES.getOrDefault(extension, "application/octet-stream");
        if (name.equals(INDEX)) {
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        }
        long length = Files.size(file);
        setCommonHeaders(exchange, type);
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        // 0 means chunked for this server: an empty file is sent as "no body" instead.
        exchange.sendResponseHeaders(200, length == 0 ? -1 : length);
        if (length > 0) {
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    private static void sendText(HttpExchange exchange, int status, String text, boolean head) throws IOException {
        send(exchange, status, CONTENT_TYPES.get("txt"), text.getBytes(StandardCharsets.UTF_8), head);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, boolean head)
            throws IOException {
        setCommonHeaders(exchange, type);
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void setCommonHeaders(HttpExchange exchange, String type) {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (type.startsWith("text/html")) {
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        }
    }

    /** Percent-decoding of a path: unlike URLDecoder, {@code +} stays a plus. */
    private static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%') {
                if (i + 2 >= bytes.length) {
                    throw new IllegalArgumentException("truncated escape");
                }
                int hi = Character.digit(bytes[i + 1], 16);
                int lo = Character.digit(bytes[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
