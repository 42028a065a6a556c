package dev.realtime.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on one machine: PostgreSQL databases (on the machine's server), an embedded Kafka broker, the
 * development OIDC issuer, an SMTP sink for the digest e-mails ({@link LocalMailSink}), the demo web app
 * ({@link DemoWebServer}, which also shows the received e-mails), and the four services as separate OS processes
 * started from their packaged jars.
 *
 * <pre>
 * try (LocalStack stack = LocalStack.start(StackConfig.forTests())) {
 *     String token = stack.issuer().token("alice");
 *     // call stack.chatUrl(), connect to stack.edgeWsUrl(), read Kafka at stack.kafkaBootstrapServers() ...
 * }
 * </pre>
 *
 * Closing stops everything it started, in reverse order, and is safe to call more than once and from a shutdown hook
 * while {@link #start} is still running.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /**
     * The only interface the stack's own servers listen on (issuer, Keycloak, mail sink); the services' %local
     * profile says the same for them ({@code quarkus.http.host}, {@code quarkus.mailer.host}).
     */
    static final String LOOPBACK = "127.0.0.1";

    private final StackConfig config;
    private final PrintStream console;
    private final PostgresAdmin postgres;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    // Guarded by this: close() may run on a shutdown hook while start() is in progress.
    private boolean closed;
    private List<String> createdDatabases = List.of();
    private LocalKafka kafka;
    private DevOidcIssuer issuer;
    private KeycloakServer keycloak;
    private LocalMailSink mailSink;
    private DemoWebServer demo;
    private final Map<StackService, ServiceProcess> processes = new EnumMap<>(StackService.class);
    /** Further instances of a service beside the first (tests of several edge instances). */
    private final Map<Integer, ServiceProcess> extraInstances = new LinkedHashMap<>();

    /** True when the broker at {@code config.kafkaPort()} is someone else's (it is neither started nor stopped here). */
    private final boolean externalKafka;

    LocalStack(StackConfig config, PrintStream console) {
        this(config, console, false);
    }

    private LocalStack(StackConfig config, PrintStream console, boolean externalKafka) {
        this.config = config;
        this.console = console;
        this.postgres = new PostgresAdmin(config);
        this.externalKafka = externalKafka;
    }

    /**
     * Starts every component and returns once each service answers {@code GET /q/health/ready} with 200.
     *
     * @throws LocalStackException with what to do (start PostgreSQL, build the jars, free a port, read a log file)
     */
    public static LocalStack start(StackConfig config) {
        LocalStack stack = new LocalStack(config, System.out);
        stack.startComponents();
        return stack;
    }

    /**
     * Like {@link #start}, on a Kafka broker that already listens on {@code localhost:<config.kafkaPort()>} and that
     * the caller owns (fault-injection tests run the broker as its own OS process, to kill, pause and restart it). The
     * system's topics are created on it when missing; closing the stack leaves the broker alone.
     */
    public static LocalStack startOnExternalKafka(StackConfig config) {
        LocalStack stack = new LocalStack(config, System.out, true);
        stack.startComponents();
        return stack;
    }

    /** Package-private so the launcher can register its shutdown hook before anything starts. */
    void startComponents() {
        long begin = System.nanoTime();
        try {
            checkServiceJars();
            checkPortsFree();
            postgres.checkReachable();
            // Every database, even for services not started here: those may run in quarkus:dev beside the stack.
            List<String> databases = List.of(config.chatDatabase(), config.activityDatabase(),
                    config.notificationDatabase());
            if (config.clean()) {
                LOG.info("clean start: dropping databases={} and deleting kafka data={}", databases,
                        config.kafkaDataDir());
                postgres.drop(databases);
                LocalKafka.deleteData(config.kafkaDataDir());
            }
            List<String> created = postgres.createMissing(databases);
            if (!adopt(() -> createdDatabases = created)) {
                if (config.dropDatabasesOnClose()) {
                    postgres.drop(created);
                }
                throw stoppedWhileStarting();
            }
            LOG.info("postgres ready server={}:{} databases={} created={}", config.pgHost(), config.pgPort(),
                    databases, created);

            // A throwaway stack's Kafka data goes with its databases; otherwise it is kept for the next start.
            LocalKafka startedKafka = externalKafka ? LocalKafka.attach(config.kafkaPort())
                    : LocalKafka.start(config.kafkaPort(), config.kafkaDataDir(), config.dropDatabasesOnClose(),
                            config.issuerPort(), config.edgePort(), config.chatPort(), config.activityPort(),
                            config.notificationPort(), config.demoPort());
            if (!adopt(() -> kafka = startedKafka)) {
                startedKafka.close();
                throw stoppedWhileStarting();
            }
            if (config.identityProvider() == StackConfig.IdentityProvider.KEYCLOAK) {
                KeycloakServer startedKeycloak = KeycloakServer.start(config.keycloakZip(), config.keycloakRealm(),
                        config.keycloakDir(), config.issuerPort(), config.browserOrigins(), config.tokenLifetime());
                if (!adopt(() -> keycloak = startedKeycloak)) {
                    startedKeycloak.close();
                    throw stoppedWhileStarting();
                }
                LOG.info("keycloak ready issuer={}", startedKeycloak.issuerUrl());
            } else {
                DevOidcIssuer startedIssuer = DevOidcIssuer.start(config.issuerPort(), config.tokenLifetime());
                if (!adopt(() -> issuer = startedIssuer)) {
                    startedIssuer.close();
                    throw stoppedWhileStarting();
                }
            }
            LocalMailSink startedMailSink = LocalMailSink.start(config.mailPort());
            if (!adopt(() -> mailSink = startedMailSink)) {
                startedMailSink.close();
                throw stoppedWhileStarting();
            }
            DemoWebServer startedDemo = DemoWebServer.start(config, startedMailSink);
            if (!adopt(() -> demo = startedDemo)) {
                startedDemo.close();
                throw stoppedWhileStarting();
            }
            startServices();
            awaitServicesReady();
            LOG.info("local stack ready services={} startMs={}", config.services().size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    // ---- what callers use

    public StackConfig config() {
        return config;
    }

    /** The stack's Keycloak ({@code idp=keycloak}), e.g. {@code keycloak().passwordToken("web", "alice", "alice")}. */
    public synchronized KeycloakServer keycloak() {
        return requireStarted(keycloak, "keycloak (the stack runs idp=" + config.identityProvider() + ")");
    }

    /** The token endpoint of the stack's identity provider, whichever it is. */
    public synchronized String tokenEndpoint() {
        return keycloak != null ? keycloak.tokenEndpoint() : issuer().tokenEndpoint();
    }

    /** The development OIDC issuer, e.g. {@code issuer().token("alice")} for a bearer token. */
    public synchronized DevOidcIssuer issuer() {
        return requireStarted(issuer, "issuer");
    }

    /** {@code http://localhost:<port>/realms/dev}, what the services have as quarkus.oidc.auth-server-url. */
    public String issuerUrl() {
        return config.issuerUrl();
    }

    public synchronized String kafkaBootstrapServers() {
        return requireStarted(kafka, "kafka").bootstrapServers();
    }

    /** The SMTP sink notification-service sends its digest e-mails to; the demo shows them at {@link #mailUrl()}. */
    public synchronized LocalMailSink mailSink() {
        return requireStarted(mailSink, "mail sink");
    }

    /** {@code http://localhost:<demo.port>/mail}: the e-mails the stack has sent, newest first. */
    public String mailUrl() {
        return config.demoUrl() + DemoWebServer.MAIL_PATH;
    }

    /** {@code http://localhost:<demo.port>}: the demo web app (clients/demo/dist) and its /config.json. */
    public String demoUrl() {
        return config.demoUrl();
    }

    public String url(StackService service) {
        return config.serviceUrl(service);
    }

    public String chatUrl() {
        return url(StackService.CHAT);
    }

    public String activityUrl() {
        return url(StackService.ACTIVITY);
    }

    public String notificationUrl() {
        return url(StackService.NOTIFICATION);
    }

    public String edgeUrl() {
        return url(StackService.EDGE);
    }

    /** {@code ws://localhost:<edge port>}; append the edge's WebSocket path. */
    public String edgeWsUrl() {
        return "ws://localhost:" + config.edgePort();
    }

    /** The JDBC URL of a service's database (for assertions on the event store). */
    public Optional<String> jdbcUrl(StackService service) {
        return config.database(service).map(config::jdbcUrl);
    }

    public Path logFile(StackService service) {
        return config.logFile(service);
    }

    /** Process id of a running service (for tests that kill one). */
    public synchronized Optional<Long> pid(StackService service) {
        return Optional.ofNullable(processes.get(service)).map(ServiceProcess::pid);
    }

    /**
     * Stops the services (SIGTERM, then SIGKILL after 10 s), the demo web server, the issuer and the broker; drops
     * test databases.
     */
    @Override
    public void close() {
        List<ServiceProcess> services;
        DevOidcIssuer issuerToStop;
        KeycloakServer keycloakToStop;
        DemoWebServer demoToStop;
        LocalMailSink mailSinkToStop;
        LocalKafka kafkaToStop;
        List<String> databasesToDrop;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            services = new ArrayList<>(processes.values());
            services.addAll(extraInstances.values());
            issuerToStop = issuer;
            keycloakToStop = keycloak;
            demoToStop = demo;
            mailSinkToStop = mailSink;
            kafkaToStop = kafka;
            databasesToDrop = config.dropDatabasesOnClose() ? createdDatabases : List.of();
        }
        // Reverse start order; every service gets its SIGTERM first so they shut down in parallel.
        java.util.Collections.reverse(services);
        services.forEach(ServiceProcess::requestStop);
        services.forEach(p -> p.awaitStop(STOP_GRACE));
        if (!services.isEmpty()) {
            LOG.info("services stopped {}", services.stream().map(p -> p.service().module()).toList());
        }
        if (demoToStop != null) {
            demoToStop.close();
        }
        if (mailSinkToStop != null) {
            mailSinkToStop.close();
        }
        if (issuerToStop != null) {
            issuerToStop.close();
        }
        if (keycloakToStop != null) {
            keycloakToStop.close();
        }
        if (kafkaToStop != null) {
            try {
                kafkaToStop.close();
            } catch (RuntimeException e) {
                LOG.warn("kafka did not stop cleanly: {}", e.getMessage());
            }
        }
        if (!databasesToDrop.isEmpty()) {
            postgres.drop(databasesToDrop);
        }
    }

    // ---- start steps

    private void checkServiceJars() {
        List<Path> missing = config.services().stream()
                .map(config::serviceJar)
                .filter(jar -> !Files.isRegularFile(jar))
                .toList();
        if (!missing.isEmpty()) {
            throw new LocalStackException("missing service jars: " + missing + System.lineSeparator()
                    + "run ./mvnw install -DskipTests first (in " + config.repositoryDir() + ")");
        }
        if (!config.services().isEmpty() && !Files.isExecutable(config.javaExecutable())) {
            throw new LocalStackException("no java executable at " + config.javaExecutable()
                    + " (set STACK_JAVA or -Dstack.java)");
        }
    }

    /**
     * A stack left over from an earlier run would answer our health checks in place of the new services: refuse to
     * start instead.
     */
    private void checkPortsFree() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (!externalKafka) {
            ports.put("kafka", config.kafkaPort());
        }
        ports.put("issuer", config.issuerPort());
        ports.put("demo", config.demoPort());
        ports.put("mail", config.mailPort());
        config.services().forEach(s -> ports.put(s.module(), config.port(s)));
        List<Map.Entry<String, Integer>> busy = ports.entrySet().stream()
                .filter(e -> !isFree(e.getValue()))
                .toList();
        if (!busy.isEmpty()) {
            throw new LocalStackException("already in use: "
                    + busy.stream().map(e -> e.getKey() + " port " + e.getValue()).collect(Collectors.joining(", "))
                    + ". Is another local stack still running? See who holds a port with: ss -ltnp 'sport = :"
                    + busy.get(0).getValue() + "'; or move the stack with STACK_<NAME>_PORT"
                    + " (e.g. STACK_KAFKA_PORT=19092).");
        }
    }

    private static boolean isFree(int port) {
        // The wildcard address: it conflicts with a listener on any interface, loopback included.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops one running service and waits for its exit: SIGTERM (graceful, as a rolling deploy would) or, with
     * {@code kill}, SIGKILL (a crash). For tests of what clients see while a service is away; {@link #restart} brings
     * it back.
     */
    public void stop(StackService service, boolean kill) {
        ServiceProcess process;
        synchronized (this) {
            process = processes.get(service);
        }
        if (process == null) {
            throw new IllegalStateException(service.module() + " is not part of this stack");
        }
        if (kill) {
            process.kill();
        } else {
            process.requestStop();
        }
        process.awaitStop(STOP_GRACE);
        LOG.info("service stopped name={} kill={}", service.module(), kill);
    }

    /**
     * Starts one service of this stack again, with the same command, port and database, and returns once it is
     * ready. A service still running is stopped first (SIGTERM). Its log file is appended to.
     */
    public void restart(StackService service) {
        ServiceProcess previous;
        synchronized (this) {
            previous = processes.get(service);
        }
        if (previous == null) {
            throw new IllegalStateException(service.module() + " is not part of this stack");
        }
        if (previous.isAlive()) {
            stop(service, false);
        }
        launchService(service, true);
        URI health = URI.create(config.serviceUrl(service) + "/q/health/ready");
        ServiceProcess process;
        synchronized (this) {
            process = processes.get(service);
        }
        process.awaitReady(http, health, Instant.now().plus(config.readyTimeout()), this::isClosed);
        LOG.info("service restarted name={} pid={}", service.module(), process.pid());
    }

    private void startServices() {
        for (StackService service : config.services()) {
            launchService(service, false);
        }
    }

    private void launchService(StackService service, boolean appendLog) {
        List<String> command = command(service);
        Path logFile = config.logFile(service);
        ServiceProcess process;
        try {
            process = ServiceProcess.launch(service, command, environment(service), unsetEnvironment(service),
                    config.repositoryDir().resolve(service.module()), logFile, config.echoServiceLogs(),
                    console, appendLog);
        } catch (IOException e) {
            throw new LocalStackException("could not start " + service.module() + ": " + e.getMessage(), e);
        }
        if (!adopt(() -> processes.put(service, process))) {
            process.requestStop();
            process.awaitStop(STOP_GRACE);
            throw stoppedWhileStarting();
        }
        LOG.info("service starting name={} port={} pid={} log={}", service.module(), config.port(service),
                process.pid(), logFile);
    }

    /**
     * Starts one more instance of {@code service} on {@code port}, beside the stack's own, with the same settings
     * (several edge instances side by side, as in production), and returns its base URL once it is ready. It stops
     * with the stack. Its log is {@code <module>-<port>.log} next to the others.
     */
    public String startExtraInstance(StackService service, int port) {
        Path logFile = config.logFile(service).resolveSibling(service.module() + "-" + port + ".log");
        ServiceProcess process;
        try {
            process = ServiceProcess.launch(service, command(service, port), environment(service),
                    unsetEnvironment(service), config.repositoryDir().resolve(service.module()), logFile,
                    config.echoServiceLogs(), console, false);
        } catch (IOException e) {
            throw new LocalStackException("could not start " + service.module() + ": " + e.getMessage(), e);
        }
        if (!adopt(() -> extraInstances.put(port, process))) {
            process.requestStop();
            process.awaitStop(STOP_GRACE);
            throw stoppedWhileStarting();
        }
        String url = "http://localhost:" + port;
        process.awaitReady(http, URI.create(url + "/q/health/ready"), Instant.now().plus(config.readyTimeout()),
                this::isClosed);
        LOG.info("extra instance ready name={} port={} pid={} log={}", service.module(), port, process.pid(), logFile);
        return url;
    }

    /** Stops the extra instance on {@code port} the way an orchestrator does (SIGTERM, then a grace period). */
    public void stopExtraInstance(int port) {
        ServiceProcess process;
        synchronized (this) {
            process = extraInstances.get(port);
        }
        if (process == null) {
            throw new IllegalStateException("no extra instance on port " + port);
        }
        process.requestStop();
        process.awaitStop(STOP_GRACE);
        LOG.info("extra instance stopped name={} port={}", process.service().module(), port);
    }

    /**
     * The exact command of a service. The contract with the service modules: the {@value LocalProfile#NAME} profile,
     * whose {@code %local.} entries in each service's application.properties hold the stack's fixed choices (loopback
     * only, the short digest timing, the deep-link shapes, ...), and the {@link #stackProperties stack properties} they
     * read.
     */
    List<String> command(StackService service) {
        return command(service, config.port(service));
    }

    private List<String> command(StackService service, int port) {
        List<String> command = new ArrayList<>();
        command.add(config.javaExecutable().toString());
        // Before the service options, so that they can name other profiles as well (the later -D wins).
        command.add("-Dquarkus.profile=" + LocalProfile.NAME);
        // The developer's options (STACK_SERVICE_JVM_OPTS, a test's settings) are system properties: they win over
        // every %local entry (application.properties), wherever they stand. So -Dquarkus.http.host=0.0.0.0 exposes
        // the services, and a test sets other digest timings.
        command.addAll(config.serviceJvmOptions());
        // After them: where the stack's parts are is the launcher's to say (it waits for the service on this port).
        command.add("-Dquarkus.http.port=" + port);
        stackProperties(service).forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(config.serviceJar(service).toString());
        return command;
    }

    /**
     * Where this stack's parts are, as the service's {@code %local.} entries read them ({@code ${stack.issuer-url}}):
     * only what changes with the stack's settings (ports, databases, PostgreSQL's address and user; a test stack's are
     * random), and only what the service reads. A name has the same value for every service.
     */
    Map<String, String> stackProperties(StackService service) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("stack.kafka-bootstrap-servers", config.kafkaBootstrapServers());
        properties.put("stack.issuer-url", config.issuerUrl());
        // The demo web app calls every service from its own origin (CORS on the REST services, the edge's Origin
        // check on the WebSocket upgrade).
        properties.put("stack.browser-origins", String.join(",", config.browserOrigins()));
        config.database(service).ifPresent(database -> {
            properties.put("stack.pg-server", config.pgServer());
            properties.put("stack.pg-user", config.pgUser());
            properties.put("stack.pg-database", database);
        });
        switch (service) {
            // Where the links of the feed and of the e-mails point.
            case ACTIVITY -> properties.put("stack.demo-url", config.demoUrl());
            case NOTIFICATION -> {
                properties.put("stack.demo-url", config.demoUrl());
                properties.put("stack.mail-port", Integer.toString(config.mailPort()));
            }
            // Where the domain services are, for the edge's resume reads.
            case EDGE -> {
                properties.put("stack.chat-url", config.serviceUrl(StackService.CHAT));
                properties.put("stack.activity-url", config.serviceUrl(StackService.ACTIVITY));
                properties.put("stack.notification-url", config.serviceUrl(StackService.NOTIFICATION));
            }
            case CHAT -> {
                // nothing more
            }
        }
        return properties;
    }

    /**
     * The variables the service's environment gets: the database password, in the environment rather than on the
     * command line, where any local user could read it with ps.
     */
    Map<String, String> environment(StackService service) {
        Map<String, String> environment = new LinkedHashMap<>();
        if (service.needsDatabase() && !config.pgPassword().isEmpty()) {
            environment.put("QUARKUS_DATASOURCE_PASSWORD", config.pgPassword());
        }
        return environment;
    }

    /**
     * The variables of the launcher's own environment the service does not inherit: those that would set what its
     * {@code %local.} entries set. An environment variable outranks application.properties, so a
     * {@code KAFKA_BOOTSTRAP_SERVERS} left in the developer's shell (docker-compose's, say) would take the service to
     * another broker. A developer changes an entry with a system property (STACK_SERVICE_JVM_OPTS) instead.
     */
    private Set<String> unsetEnvironment(StackService service) {
        return LocalProfile.shadowingVariables(System.getenv().keySet(),
                LocalProfile.keys(config.serviceJar(service)));
    }

    private void awaitServicesReady() {
        // One deadline for all: they start in parallel, so waiting for one also lets the others progress.
        Instant deadline = Instant.now().plus(config.readyTimeout());
        List<ServiceProcess> toWait;
        synchronized (this) {
            toWait = new ArrayList<>(processes.values());
        }
        for (ServiceProcess process : toWait) {
            long begin = System.nanoTime();
            URI health = URI.create(config.serviceUrl(process.service()) + "/q/health/ready");
            process.awaitReady(http, health, deadline, this::isClosed);
            LOG.info("service ready name={} waitedMs={}", process.service().module(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Hands a component just started over to close(). Returns false when close() already ran: then it will never see
     * the component, and the caller must stop it itself.
     */
    private synchronized boolean adopt(Runnable register) {
        if (closed) {
            return false;
        }
        register.run();
        return true;
    }

    private static LocalStackException stoppedWhileStarting() {
        return new LocalStackException("the stack was stopped while starting");
    }

    private static <T> T requireStarted(T component, String name) {
        if (component == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return component;
    }

    @Override
    public String toString() {
        return "LocalStack[" + config.services().stream().map(s -> s.module() + "=" + url(s))
                .collect(Collectors.joining(", ")) + ", kafka=" + config.kafkaBootstrapServers() + ", issuer="
                + issuerUrl() + ", demo=" + demoUrl() + ", mail=" + LOOPBACK + ":" + config.mailPort() + "]";
    }
}
