package dev.realtime.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything {@link LocalStack} needs to know, with defaults that work on a developer machine.
 * <p>
 * Every setting has a key; {@link #defaults()} reads the system property {@code stack.<key>} first, then the
 * environment variable {@code STACK_<KEY>} (upper case, dots as underscores). The PostgreSQL settings also accept the
 * shorter {@code PG_URL}, {@code PG_HOST}, {@code PG_PORT}, {@code PG_USER}, {@code PG_PASSWORD}.
 *
 * <pre>
 * key                  default
 * kafka.port           9092
 * issuer.port          8180
 * edge.port            8080
 * chat.port            8081
 * activity.port        8082
 * notification.port    8083
 * demo.port            8090 (the demo web app, clients/demo/dist, and its /config.json)
 * mail.port            1025 (the SMTP sink that catches notification-service's digest e-mails; read them at
 *                      http://localhost:&lt;demo.port&gt;/mail)
 * pg.url               (none) postgresql://user:password@host:port/db or jdbc:postgresql://host:port/db?user=..
 * pg.host / pg.port    127.0.0.1 / 5432   (win over the parts of pg.url)
 * pg.user / pg.password postgres / (empty)
 * db.chat / db.activity / db.notification   chat / activity / notification
 * services             all: chat-service,activity-service,notification-service,realtime-edge ("none": only
 *                      PostgreSQL, Kafka and the issuer, e.g. to run one service in quarkus:dev beside it)
 * repo.dir             the nearest parent of the working directory holding pom.xml and launcher/pom.xml
 * java                 the JVM running the launcher
 * service.jvm.opts     (none) extra JVM options for every service, space separated; their system properties win
 *                      over the services' %local profile: the services listen on 127.0.0.1 unless these say
 *                      otherwise (-Dquarkus.http.host=0.0.0.0)
 * echo.logs            false: service output only goes to .local-stack/logs/&lt;module&gt;.log
 * ready.timeout        120 (seconds, or an ISO-8601 duration such as PT2M)
 * token.lifetime       PT1H (access tokens of the issuer; Keycloak's realm gets it as its accessTokenLifespan)
 * kafka.dir            .local-stack/kafka: Kafka's data, kept across restarts (a throwaway test stack deletes its own)
 * clean                false: true (or 1) deletes Kafka's data and drops the three databases before starting, so
 *                      everything starts empty ({@code ./local-stack.sh --clean} sets it)
 * idp                  dev: the development issuer (starts at once); keycloak: Keycloak with the realm of
 *                      deploy/keycloak on issuer.port (15-40 s to start, about 500 MB; admin console admin/admin)
 * keycloak.zip         ~/.m2/repository/org/keycloak/keycloak-quarkus-dist/&lt;version&gt;/...zip (the build downloads it)
 * </pre>
 */
public record StackConfig(
        int kafkaPort,
        int issuerPort,
        int edgePort,
        int chatPort,
        int activityPort,
        int notificationPort,
        int demoPort,
        int mailPort,
        String pgHost,
        int pgPort,
        String pgUser,
        String pgPassword,
        String chatDatabase,
        String activityDatabase,
        String notificationDatabase,
        boolean dropDatabasesOnClose,
        Set<StackService> services,
        Path repositoryDir,
        Path logDir,
        Path javaExecutable,
        List<String> serviceJvmOptions,
        boolean echoServiceLogs,
        Duration readyTimeout,
        Duration tokenLifetime,
        Path kafkaDataDir,
        boolean clean,
        IdentityProvider identityProvider,
        Path keycloakZip) {

    /** Who issues the stack's tokens: the development issuer (fast, the default) or a real Keycloak. */
    public enum IdentityProvider {
        DEV, KEYCLOAK
    }

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_ISSUER_PORT = 8180;
    public static final int DEFAULT_EDGE_PORT = 8080;
    public static final int DEFAULT_CHAT_PORT = 8081;
    public static final int DEFAULT_ACTIVITY_PORT = 8082;
    public static final int DEFAULT_NOTIFICATION_PORT = 8083;
    public static final int DEFAULT_DEMO_PORT = 8090;
    /** notification-service's own default SMTP port, so a service started by hand beside the stack finds the sink. */
    public static final int DEFAULT_MAIL_PORT = 1025;
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);

    /** Relative to the repository; git-ignored. */
    public static final String LOG_DIR = ".local-stack/logs";
    /** Kafka's data (topics, records, cluster id), kept across restarts; relative to the repository; git-ignored. */
    public static final String KAFKA_DIR = ".local-stack/kafka";

    // Database names are spliced into CREATE/DROP DATABASE, which take no bind parameters.
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public StackConfig {
        checkPort("kafka.port", kafkaPort);
        checkPort("issuer.port", issuerPort);
        checkPort("edge.port", edgePort);
        checkPort("chat.port", chatPort);
        checkPort("activity.port", activityPort);
        checkPort("notification.port", notificationPort);
        checkPort("demo.port", demoPort);
        checkPort("mail.port", mailPort);
        checkPort("pg.port", pgPort);
        requireText("pg.host", pgHost);
        requireText("pg.user", pgUser);
        pgPassword = pgPassword == null ? "" : pgPassword;
        checkDatabase("db.chat", chatDatabase);
        checkDatabase("db.activity", activityDatabase);
        checkDatabase("db.notification", notificationDatabase);
        services = services.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(StackService.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(services));
        repositoryDir = repositoryDir.toAbsolutePath().normalize();
        logDir = logDir.toAbsolutePath().normalize();
        kafkaDataDir = kafkaDataDir.toAbsolutePath().normalize();
        serviceJvmOptions = List.copyOf(serviceJvmOptions);
        if (readyTimeout.isNegative() || readyTimeout.isZero()) {
            throw new IllegalArgumentException("ready.timeout must be positive, got " + readyTimeout);
        }
        if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
            throw new IllegalArgumentException("token.lifetime must be positive, got " + tokenLifetime);
        }
    }

    /** The configuration of {@code ./local-stack.sh}: defaults, overridden by system properties and environment. */
    public static StackConfig defaults() {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
        return from(properties, System.getenv());
    }

    /**
     * A stack that can run beside the default one and beside other test runs: free random ports, fresh database names
     * (dropped at close), its own log folder. PostgreSQL location, repository and JVM still come from
     * {@link #defaults()}.
     */
    public static StackConfig forTests() {
        return defaults().isolatedForTests();
    }

    /** The defaults with the overrides found in the given system properties and environment. */
    public static StackConfig from(Map<String, String> systemProperties, Map<String, String> environment) {
        Settings settings = new Settings(systemProperties, environment);

        PgLocation pg = settings.get("pg.url").map(PgLocation::parse).orElse(PgLocation.DEFAULT);
        Path repository = settings.get("repo.dir").map(Path::of)
                .orElseGet(() -> findRepository(Path.of(systemProperties.getOrDefault("user.dir", ""))));
        Path java = settings.get("java").map(Path::of)
                .orElseGet(() -> defaultJava(systemProperties));

        return new StackConfig(
                settings.port("kafka.port", DEFAULT_KAFKA_PORT),
                settings.port("issuer.port", DEFAULT_ISSUER_PORT),
                settings.port("edge.port", DEFAULT_EDGE_PORT),
                settings.port("chat.port", DEFAULT_CHAT_PORT),
                settings.port("activity.port", DEFAULT_ACTIVITY_PORT),
                settings.port("notification.port", DEFAULT_NOTIFICATION_PORT),
                settings.port("demo.port", DEFAULT_DEMO_PORT),
                settings.port("mail.port", DEFAULT_MAIL_PORT),
                settings.get("pg.host").orElse(pg.host()),
                settings.port("pg.port", pg.port()),
                settings.get("pg.user").orElse(pg.user()),
                settings.get("pg.password").orElse(pg.password()),
                settings.get("db.chat").orElse("chat"),
                settings.get("db.activity").orElse("activity"),
                settings.get("db.notification").orElse("notification"),
                false,
                settings.get("services").map(StackConfig::parseServices).orElse(EnumSet.allOf(StackService.class)),
                repository,
                repository.resolve(LOG_DIR),
                java,
                settings.get("service.jvm.opts").map(StackConfig::splitOptions).orElse(List.of()),
                settings.get("echo.logs").map(Boolean::parseBoolean).orElse(false),
                settings.get("ready.timeout").map(v -> parseDuration("ready.timeout", v)).orElse(DEFAULT_READY_TIMEOUT),
                settings.get("token.lifetime").map(v -> parseDuration("token.lifetime", v))
                        .orElse(DEFAULT_TOKEN_LIFETIME),
                settings.get("kafka.dir").map(Path::of).orElse(repository.resolve(KAFKA_DIR)),
                settings.get("clean").map(StackConfig::parseFlag).orElse(false),
                settings.get("idp").map(StackConfig::parseIdentityProvider).orElse(IdentityProvider.DEV),
                settings.get("keycloak.zip").map(Path::of).orElseGet(() -> Path.of(systemProperties.getOrDefault(
                        "user.home", ""), ".m2", "repository", "org", "keycloak", "keycloak-quarkus-dist",
                        KeycloakServer.VERSION, "keycloak-quarkus-dist-" + KeycloakServer.VERSION + ".zip")));
    }

    private static IdentityProvider parseIdentityProvider(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "dev" -> IdentityProvider.DEV;
            case "keycloak" -> IdentityProvider.KEYCLOAK;
            default -> throw new IllegalArgumentException("idp must be dev or keycloak, got '" + value + "'");
        };
    }

    /** This configuration moved to free random ports and fresh database names that are dropped at close. */
    public StackConfig isolatedForTests() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int[] ports = freePorts(8);
        return new StackConfig(ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6], ports[7],
                pgHost, pgPort, pgUser, pgPassword,
                "chat_test_" + run, "activity_test_" + run, "notification_test_" + run,
                true, services, repositoryDir, repositoryDir.resolve(LOG_DIR).resolve("test-" + run),
                javaExecutable, serviceJvmOptions, echoServiceLogs, readyTimeout, tokenLifetime,
                repositoryDir.resolve(LOG_DIR).resolve("test-" + run).resolve("kafka"), false, identityProvider, keycloakZip);
    }

    // ---- withers for the settings tests and callers change most often

    public StackConfig withServices(Set<StackService> only) {
        return new StackConfig(kafkaPort, issuerPort, edgePort, chatPort, activityPort, notificationPort, demoPort,
                mailPort, pgHost, pgPort, pgUser, pgPassword, chatDatabase, activityDatabase, notificationDatabase,
                dropDatabasesOnClose, only, repositoryDir, logDir, javaExecutable, serviceJvmOptions,
                echoServiceLogs, readyTimeout, tokenLifetime, kafkaDataDir, clean, identityProvider, keycloakZip);
    }

    /** Extra JVM options (typically {@code -Dsome.property=value}) given to every service. */
    public StackConfig withServiceJvmOptions(List<String> options) {
        return new StackConfig(kafkaPort, issuerPort, edgePort, chatPort, activityPort, notificationPort, demoPort,
                mailPort, pgHost, pgPort, pgUser, pgPassword, chatDatabase, activityDatabase, notificationDatabase,
                dropDatabasesOnClose, services, repositoryDir, logDir, javaExecutable, options,
                echoServiceLogs, readyTimeout, tokenLifetime, kafkaDataDir, clean, identityProvider, keycloakZip);
    }

    public StackConfig withEchoServiceLogs(boolean echo) {
        return new StackConfig(kafkaPort, issuerPort, edgePort, chatPort, activityPort, notificationPort, demoPort,
                mailPort, pgHost, pgPort, pgUser, pgPassword, chatDatabase, activityDatabase, notificationDatabase,
                dropDatabasesOnClose, services, repositoryDir, logDir, javaExecutable, serviceJvmOptions,
                echo, readyTimeout, tokenLifetime, kafkaDataDir, clean, identityProvider, keycloakZip);
    }

    /** The same stack with its service logs in {@code directory} (benchmarks keep them beside their reports). */
    public StackConfig withLogDir(Path directory) {
        return new StackConfig(kafkaPort, issuerPort, edgePort, chatPort, activityPort, notificationPort, demoPort,
                mailPort, pgHost, pgPort, pgUser, pgPassword, chatDatabase, activityDatabase, notificationDatabase,
                dropDatabasesOnClose, services, repositoryDir, directory, javaExecutable, serviceJvmOptions,
                echoServiceLogs, readyTimeout, tokenLifetime, kafkaDataDir, clean, identityProvider, keycloakZip);
    }

    /** Moves the repository; a log folder or Kafka data folder inside the old repository moves along. */
    public StackConfig withRepositoryDir(Path repository) {
        Path newLogDir = logDir.startsWith(repositoryDir)
                ? repository.toAbsolutePath().normalize().resolve(repositoryDir.relativize(logDir))
                : logDir;
        Path newKafkaDir = kafkaDataDir.startsWith(repositoryDir)
                ? repository.toAbsolutePath().normalize().resolve(repositoryDir.relativize(kafkaDataDir))
                : kafkaDataDir;
        return new StackConfig(kafkaPort, issuerPort, edgePort, chatPort, activityPort, notificationPort, demoPort,
                mailPort, pgHost, pgPort, pgUser, pgPassword, chatDatabase, activityDatabase, notificationDatabase,
                dropDatabasesOnClose, services, repository, newLogDir, javaExecutable, serviceJvmOptions,
                echoServiceLogs, readyTimeout, tokenLifetime, newKafkaDir, clean, identityProvider, keycloakZip);
    }

    /** The same stack started empty: Kafka's data deleted and the databases dropped first ({@code --clean}). */
    public StackConfig withClean(boolean startEmpty) {
        return new StackConfig(kafkaPort, issuerPort, edgePort, chatPort, activityPort, notificationPort, demoPort,
                mailPort, pgHost, pgPort, pgUser, pgPassword, chatDatabase, activityDatabase, notificationDatabase,
                dropDatabasesOnClose, services, repositoryDir, logDir, javaExecutable, serviceJvmOptions,
                echoServiceLogs, readyTimeout, tokenLifetime, kafkaDataDir, startEmpty, identityProvider, keycloakZip);
    }

    public StackConfig withReadyTimeout(Duration timeout) {
        return new StackConfig(kafkaPort, issuerPort, edgePort, chatPort, activityPort, notificationPort, demoPort,
                mailPort, pgHost, pgPort, pgUser, pgPassword, chatDatabase, activityDatabase, notificationDatabase,
                dropDatabasesOnClose, services, repositoryDir, logDir, javaExecutable, serviceJvmOptions,
                echoServiceLogs, timeout, tokenLifetime, kafkaDataDir, clean, identityProvider, keycloakZip);
    }

    // ---- derived values

    public int port(StackService service) {
        return switch (service) {
            case CHAT -> chatPort;
            case ACTIVITY -> activityPort;
            case NOTIFICATION -> notificationPort;
            case EDGE -> edgePort;
        };
    }

    /** The service's database, empty for the edge (it keeps no state of its own). */
    public Optional<String> database(StackService service) {
        return switch (service) {
            case CHAT -> Optional.of(chatDatabase);
            case ACTIVITY -> Optional.of(activityDatabase);
            case NOTIFICATION -> Optional.of(notificationDatabase);
            case EDGE -> Optional.empty();
        };
    }

    public String serviceUrl(StackService service) {
        return "http://localhost:" + port(service);
    }

    public String issuerUrl() {
        return identityProvider == IdentityProvider.KEYCLOAK
                ? "http://localhost:" + issuerPort + "/realms/" + KeycloakServer.REALM
                : "http://localhost:" + issuerPort + DevOidcIssuer.REALM_PATH;
    }

    /** The OAuth client of the demo app on this stack's issuer. */
    public String webClientId() {
        return identityProvider == IdentityProvider.KEYCLOAK ? KeycloakServer.WEB_CLIENT_ID
                : DevOidcIssuer.DEFAULT_CLIENT_ID;
    }

    /**
     * Where Keycloak's distribution is unpacked (and built by its first start): {@code .local-stack/keycloak} beside
     * the logs for {@code ./local-stack.sh}, kept across starts; a test stack's beside its own logs' folder.
     */
    public Path keycloakDir() {
        return logDir.resolveSibling("keycloak");
    }

    /** {@code deploy/keycloak/realtime-realm.json}: the one realm of docker-compose, the tests and this stack. */
    public Path keycloakRealm() {
        return repositoryDir.resolve("deploy/keycloak/realtime-realm.json");
    }

    public StackConfig withIdentityProvider(IdentityProvider provider) {
        return new StackConfig(kafkaPort, issuerPort, edgePort, chatPort, activityPort, notificationPort, demoPort,
                mailPort, pgHost, pgPort, pgUser, pgPassword, chatDatabase, activityDatabase, notificationDatabase,
                dropDatabasesOnClose, services, repositoryDir, logDir, javaExecutable, serviceJvmOptions,
                echoServiceLogs, readyTimeout, tokenLifetime, kafkaDataDir, clean, provider, keycloakZip);
    }

    /** {@code http://localhost:<demo.port>}: the demo web app, and the origin the services accept from browsers. */
    public String demoUrl() {
        return "http://localhost:" + demoPort;
    }

    /** The usual ports of front-end development servers (Vite, Create React App, Next.js). */
    static final List<String> DEV_SERVER_ORIGINS = List.of("http://localhost:5173", "http://localhost:3000");

    /**
     * Browser origins the services accept on this developer machine: the demo's and the edge's own (a page the edge's
     * host serves), as a browser may send them ({@code localhost} and {@code 127.0.0.1}), and a front-end development
     * server's, so an app under development can use the local stack. With the default ports this is the edge's own
     * default {@code realtime.allowed-origins} (docs/realtime-protocol.md).
     */
    public List<String> browserOrigins() {
        List<String> origins = new ArrayList<>(List.of(demoUrl(), "http://127.0.0.1:" + demoPort,
                "http://localhost:" + edgePort, "http://127.0.0.1:" + edgePort));
        DEV_SERVER_ORIGINS.stream().filter(origin -> !origins.contains(origin)).forEach(origins::add);
        return List.copyOf(origins);
    }

    /** {@code <repo>/clients/demo/dist}: what the demo's build writes and the launcher serves. */
    public Path demoDistDir() {
        return repositoryDir.resolve("clients/demo/dist");
    }

    public String kafkaBootstrapServers() {
        return "localhost:" + kafkaPort;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + pgServer() + "/" + database;
    }

    /** {@code <pg.host>:<pg.port>}: the services' %local datasource URLs are built on it. */
    public String pgServer() {
        return pgHost + ":" + pgPort;
    }

    public Path serviceJar(StackService service) {
        return repositoryDir.resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public Path logFile(StackService service) {
        return logDir.resolve(service.module() + ".log");
    }

    /** Like the record's, without the password. */
    @Override
    public String toString() {
        return "StackConfig[kafkaPort=" + kafkaPort + ", issuerPort=" + issuerPort + ", edgePort=" + edgePort
                + ", chatPort=" + chatPort + ", activityPort=" + activityPort + ", notificationPort="
                + notificationPort + ", demoPort=" + demoPort + ", mailPort=" + mailPort + ", pg=" + pgUser + "@" + pgHost + ":" + pgPort
                + ", pgPassword=" + (pgPassword.isEmpty() ? "(empty)" : "****")
                + ", databases=" + chatDatabase + "," + activityDatabase + "," + notificationDatabase
                + ", dropDatabasesOnClose=" + dropDatabasesOnClose + ", services=" + services
                + ", repositoryDir=" + repositoryDir + ", logDir=" + logDir + ", javaExecutable=" + javaExecutable
                + ", serviceJvmOptions=" + serviceJvmOptions + ", echoServiceLogs=" + echoServiceLogs
                + ", readyTimeout=" + readyTimeout + ", tokenLifetime=" + tokenLifetime + ", kafkaDataDir="
                + kafkaDataDir + ", clean=" + clean + ", identityProvider=" + identityProvider + ", keycloakZip="
                + keycloakZip + "]";
    }

    // ---- parsing helpers

    /** Looks a key up as {@code stack.<key>}, then {@code STACK_<KEY>}, then (pg.* only) {@code PG_<X>}. */
    private record Settings(Map<String, String> properties, Map<String, String> environment) {
        Optional<String> get(String key) {
            String envName = key.toUpperCase(Locale.ROOT).replace('.', '_');
            return first(properties.get("stack." + key),
                    environment.get("STACK_" + envName),
                    key.startsWith("pg.") ? environment.get(envName) : null);
        }

        int port(String key, int defaultPort) {
            return get(key).map(value -> parsePort(key, value)).orElse(defaultPort);
        }

        private static Optional<String> first(String... candidates) {
            return Arrays.stream(candidates).filter(v -> v != null && !v.isBlank()).map(String::trim).findFirst();
        }
    }

    /** Where PostgreSQL is, as given by {@code PG_URL}. */
    record PgLocation(String host, int port, String user, String password) {
        static final PgLocation DEFAULT = new PgLocation("127.0.0.1", 5432, "postgres", "");

        static PgLocation parse(String url) {
            String withoutJdbc = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
            URI uri;
            try {
                uri = new URI(withoutJdbc);
            } catch (URISyntaxException e) {
                throw badUrl();
            }
            if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
                throw badUrl();
            }
            String host = uri.getHost() == null ? DEFAULT.host : uri.getHost();
            int port = uri.getPort() == -1 ? DEFAULT.port : uri.getPort();
            String user = DEFAULT.user;
            String password = DEFAULT.password;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = decode(parts[0]);
                password = parts.length > 1 ? decode(parts[1]) : password;
            }
            if (uri.getRawQuery() != null) {
                for (String pair : uri.getRawQuery().split("&")) {
                    String[] kv = pair.split("=", 2);
                    String value = kv.length > 1 ? decode(kv[1]) : "";
                    if (kv[0].equals("user")) {
                        user = value;
                    } else if (kv[0].equals("password")) {
                        password = value;
                    }
                }
            }
            return new PgLocation(host, port, user, password);
        }

        // Never echo the URL itself: it may carry a password.
        private static IllegalArgumentException badUrl() {
            return new IllegalArgumentException("PG_URL (stack.pg.url) is not a PostgreSQL URL; expected"
                    + " postgresql://user:password@host:5432/postgres or jdbc:postgresql://host:5432/postgres?user=..");
        }

        private static String decode(String s) {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        }
    }

    private static int parsePort(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a port number, got '" + value + "'");
        }
    }

    private static Duration parseDuration(String key, String value) {
        try {
            return value.chars().allMatch(Character::isDigit)
                    ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be seconds or an ISO-8601 duration (PT2M), got '"
                    + value + "'");
        }
    }

    private static boolean parseFlag(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes" -> true;
            case "0", "false", "no" -> false;
            default -> throw new IllegalArgumentException("clean must be true or false (1 or 0), got '" + value + "'");
        };
    }

    private static Set<StackService> parseServices(String list) {
        Set<StackService> services = EnumSet.noneOf(StackService.class);
        if (list.trim().equalsIgnoreCase("none")) {
            return services;
        }
        for (String name : list.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            services.add(StackService.byName(name).orElseThrow(() -> new IllegalArgumentException(
                    "services: unknown service '" + name.trim() + "', known: " + Arrays.stream(StackService.values())
                            .map(StackService::module).collect(Collectors.joining(", ")))));
        }
        return services;
    }

    private static List<String> splitOptions(String options) {
        return Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static Path defaultJava(Map<String, String> systemProperties) {
        String home = systemProperties.getOrDefault("java.home", System.getProperty("java.home"));
        boolean windows = systemProperties.getOrDefault("os.name", "").toLowerCase(Locale.ROOT).contains("win");
        return Path.of(home, "bin", windows ? "java.exe" : "java");
    }

    /**
     * The repository root: the nearest directory at or above {@code start} that holds the reactor pom and the
     * launcher module. Works from the root ({@code ./local-stack.sh}) and from a module's directory (surefire).
     */
    static Path findRepository(Path start) {
        Path absolute = start.toAbsolutePath().normalize();
        for (Path dir = absolute; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("launcher/pom.xml"))) {
                return dir;
            }
        }
        // Nothing found: LocalStack will report the missing service jars with their full paths.
        return absolute;
    }

    /** Distinct free ports: all sockets stay open until every port is chosen, so none is picked twice. */
    static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find free ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // only a probe
                }
            }
        }
    }

    private static void checkPort(String key, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(key + " must be between 1 and 65535, got " + port);
        }
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
    }

    private static void checkDatabase(String key, String name) {
        if (name == null || !DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(key + " must be a plain lower-case PostgreSQL name"
                    + " ([a-z_][a-z0-9_]*, at most 63 characters), got '" + name + "'");
        }
    }
}
