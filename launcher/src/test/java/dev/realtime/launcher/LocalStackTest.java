package dev.realtime.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.realtime.contracts.events.TopicSpec;
import dev.realtime.contracts.events.Topics;

/**
 * LocalStack without the Quarkus services (they are built and exercised by the end-to-end tests), and its contract
 * with them: their {@code %local} profile in this repository's application.properties.
 */
class LocalStackTest {

    @TempDir
    Path repo;

    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();

    @BeforeEach
    void fakeRepository() throws IOException {
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Files.createDirectories(repo.resolve("launcher"));
        Files.writeString(repo.resolve("launcher/pom.xml"), "<project/>");
        properties.put("user.dir", repo.toString());
        properties.put("java.home", System.getProperty("java.home"));
    }

    @Test
    void missingServiceJarsSayHowToBuildThem() {
        StackConfig config = StackConfig.from(properties, environment).isolatedForTests();

        LocalStackException e = assertThrows(LocalStackException.class, () -> LocalStack.start(config));

        assertTrue(e.getMessage().contains("run ./mvnw install -DskipTests first"), e.getMessage());
        assertTrue(e.getMessage().contains("chat-service/target/quarkus-app/quarkus-run.jar"), e.getMessage());
    }

    @Test
    void unreachablePostgresSaysHowToStartIt() throws IOException {
        fakeJars();
        int nobodyListens = StackConfig.freePorts(1)[0];
        environment.put("PG_PORT", String.valueOf(nobodyListens));
        StackConfig config = StackConfig.from(properties, environment).isolatedForTests();

        LocalStackException e = assertThrows(LocalStackException.class, () -> LocalStack.start(config));

        assertTrue(e.getMessage().contains("pg_ctlcluster --skip-systemctl-redirect 15 main start"), e.getMessage());
        assertTrue(e.getMessage().contains("PG_URL"), e.getMessage());
    }

    @Test
    void busyPortIsRefusedBeforeAnythingStarts() throws IOException {
        StackConfig config = StackConfig.from(properties, environment).isolatedForTests().withServices(Set.of());
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", config.issuerPort()));

            LocalStackException e = assertThrows(LocalStackException.class, () -> LocalStack.start(config));

            assertTrue(e.getMessage().contains("issuer port " + config.issuerPort()), e.getMessage());
        }
    }

    @Test
    void serviceCommandRunsTheLocalProfileWithTheStacksAddressesButNotThePassword() {
        environment.put("PG_PASSWORD", "topsecret");
        StackConfig config = StackConfig.from(properties, environment)
                .withServiceJvmOptions(List.of("-Xmx256m", "-Dquarkus.http.host=0.0.0.0"));
        LocalStack stack = new LocalStack(config, System.out);

        List<String> chat = stack.command(StackService.CHAT);
        assertEquals(List.of(config.javaExecutable().toString(), "-Dquarkus.profile=local", "-Xmx256m",
                "-Dquarkus.http.host=0.0.0.0", "-Dquarkus.http.port=8081",
                "-Dstack.kafka-bootstrap-servers=localhost:9092",
                "-Dstack.issuer-url=http://localhost:8180/realms/dev",
                "-Dstack.browser-origins=" + String.join(",", config.browserOrigins()),
                "-Dstack.pg-server=127.0.0.1:5432", "-Dstack.pg-user=postgres", "-Dstack.pg-database=chat",
                "-jar", config.serviceJar(StackService.CHAT).toString()), chat);
        assertFalse(String.join(" ", chat).contains("topsecret"));
        // In the environment, where ps does not show it.
        assertEquals(Map.of("QUARKUS_DATASOURCE_PASSWORD", "topsecret"), stack.environment(StackService.CHAT));

        List<String> edge = stack.command(StackService.EDGE);
        assertTrue(edge.contains("-Dquarkus.http.port=8080"));
        assertTrue(edge.stream().noneMatch(arg -> arg.startsWith("-Dstack.pg-")), edge.toString());
        assertEquals(Map.of(), stack.environment(StackService.EDGE));

        for (StackService service : StackService.values()) {
            List<String> command = stack.command(service);
            // The profile first, so that the options can name more; the options (system properties, which outrank
            // every %local entry) next; then where the stack's parts are, which the launcher alone knows.
            assertEquals("-Dquarkus.profile=local", command.get(1), service.toString());
            assertEquals(List.of("-Xmx256m", "-Dquarkus.http.host=0.0.0.0"), command.subList(2, 4));
            assertEquals("-Dquarkus.http.port=" + config.port(service), command.get(4));
            // Nothing else: every setting of the stack is a %local entry of the service or a stack.* property.
            assertTrue(command.subList(5, command.size() - 2).stream().allMatch(arg -> arg.startsWith("-Dstack.")),
                    command.toString());
            assertEquals(List.of("-jar", config.serviceJar(service).toString()),
                    command.subList(command.size() - 2, command.size()));
        }
    }

    @Test
    void notificationServiceGetsTheStacksMailSinkAndDemoAndNothingElseDoes() {
        environment.put("STACK_MAIL_PORT", "11025");
        environment.put("STACK_DEMO_PORT", "18090");
        StackConfig config = StackConfig.from(properties, environment)
                .withServiceJvmOptions(List.of("-Dnotification.email.offline-after=PT2S"));
        LocalStack stack = new LocalStack(config, System.out);

        List<String> notification = stack.command(StackService.NOTIFICATION);
        assertTrue(notification.contains("-Dstack.mail-port=11025"), notification.toString());
        assertTrue(notification.contains("-Dstack.demo-url=http://localhost:18090"), notification.toString());
        assertTrue(notification.contains("-Dstack.pg-database=notification"), notification.toString());
        // A test's digest timing reaches the service as a system property, which outranks the profile's PT20S.
        assertTrue(notification.indexOf("-Dnotification.email.offline-after=PT2S") < notification.indexOf("-jar"));
        assertEquals("http://localhost:18090/mail", stack.mailUrl());

        List<String> activity = stack.command(StackService.ACTIVITY);
        assertTrue(activity.contains("-Dstack.demo-url=http://localhost:18090"), activity.toString());
        for (StackService other : List.of(StackService.CHAT, StackService.ACTIVITY, StackService.EDGE)) {
            assertTrue(stack.command(other).stream().noneMatch(arg -> arg.startsWith("-Dstack.mail-port")),
                    other.toString());
        }
        for (StackService other : List.of(StackService.CHAT, StackService.EDGE)) {
            assertTrue(stack.command(other).stream().noneMatch(arg -> arg.startsWith("-Dstack.demo-url")),
                    other.toString());
        }
        List<String> edge = stack.command(StackService.EDGE);
        assertTrue(edge.containsAll(List.of("-Dstack.chat-url=http://localhost:8081",
                "-Dstack.activity-url=http://localhost:8082", "-Dstack.notification-url=http://localhost:8083")),
                edge.toString());
    }

    /**
     * The contract, from the services' side: the stack.* properties a service's %local entries read are exactly the
     * ones the launcher passes it (one it lacked would stop the service at start; one it does not read is noise).
     */
    @Test
    void theLauncherPassesEveryStackPropertyTheLocalProfileReadsAndNoOther() throws IOException {
        LocalStack stack = new LocalStack(StackConfig.from(properties, environment), System.out);
        for (StackService service : StackService.values()) {
            Set<String> read = new TreeSet<>();
            Matcher reference = STACK_REFERENCE.matcher("");
            localProfile(service).values().forEach(value -> {
                reference.reset(value);
                while (reference.find()) {
                    read.add(reference.group(1));
                }
            });
            assertEquals(read, new TreeSet<>(stack.stackProperties(service).keySet()), service.toString());
        }
    }

    /**
     * The profile holds what a packaged service's production profile requires and the stack's fixed choices; with
     * the launcher's stack properties they come out as the stack needs them.
     */
    @Test
    void theLocalProfileGivesEveryServiceTheStacksSettings() throws IOException {
        environment.put("STACK_DEMO_PORT", "18090");
        environment.put("STACK_MAIL_PORT", "11025");
        environment.put("STACK_DB_ACTIVITY", "activity_here");
        LocalStack stack = new LocalStack(StackConfig.from(properties, environment), System.out);
        String origins = "http://localhost:18090,http://127.0.0.1:18090,http://localhost:8080,http://127.0.0.1:8080,"
                + "http://localhost:5173,http://localhost:3000";

        for (StackService service : StackService.values()) {
            Map<String, String> local = resolvedLocalProfile(stack, service);
            // %prod does not apply under the local profile: what it requires (no development default), %local gives.
            Properties all = applicationProperties(service);
            for (String key : all.stringPropertyNames()) {
                if (key.startsWith("%prod.")) {
                    assertTrue(local.containsKey(key.substring("%prod.".length())), service + " lacks %local " + key);
                }
            }
            assertEquals(LocalStack.LOOPBACK, local.get("quarkus.http.host"), service.toString());
            assertEquals("localhost:9092", local.get("kafka.bootstrap.servers"), service.toString());
            assertEquals("http://localhost:8180/realms/dev", local.get("quarkus.oidc.auth-server-url"));
            if (service != StackService.EDGE) {
                assertEquals(origins, local.get("quarkus.http.cors.origins"), service.toString());
                assertEquals("postgres", local.get("quarkus.datasource.username"));
            }
        }
        Map<String, String> activity = resolvedLocalProfile(stack, StackService.ACTIVITY);
        assertEquals("postgresql://127.0.0.1:5432/activity_here", activity.get("quarkus.datasource.reactive.url"));
        assertEquals("jdbc:postgresql://127.0.0.1:5432/activity_here", activity.get("quarkus.datasource.jdbc.url"));
        // Only ${...} is expanded: the template's own placeholders stay for the service.
        assertEquals("http://localhost:18090/projects/{projectId}/{targetType}/{targetId}",
                activity.get("activity.links.default"));
        assertEquals("http://localhost:18090/projects/{projectId}", activity.get("activity.links.project"));
        assertEquals("http://localhost:18090/projects/{projectId}/tracks/{targetId}",
                activity.get("activity.links.track"));
        assertEquals("http://localhost:18090/conversations/{targetId}", activity.get("activity.links.conversation"));

        Map<String, String> notification = resolvedLocalProfile(stack, StackService.NOTIFICATION);
        assertEquals("PT20S", notification.get("notification.email.offline-after"));
        assertEquals("PT5S", notification.get("notification.email.check-interval"));
        assertEquals("PT1M", notification.get("notification.email.min-interval"));
        assertEquals("http://localhost:18090", notification.get("notification.email.link-base"));
        // The mail sink: plain SMTP on the interface and port the launcher gives it.
        assertEquals(LocalStack.LOOPBACK, notification.get("quarkus.mailer.host"));
        assertEquals("11025", notification.get("quarkus.mailer.port"));
        assertEquals("DISABLED", notification.get("quarkus.mailer.start-tls"));
        assertEquals("{sub}@" + DevUser.EMAIL_DOMAIN, notification.get("notification.email.address-template"));

        Map<String, String> edge = resolvedLocalProfile(stack, StackService.EDGE);
        assertEquals(origins, edge.get("realtime.allowed-origins"));
        assertEquals("http://localhost:8081", edge.get("realtime.chat.url"));
        assertEquals("http://localhost:8082", edge.get("realtime.activity.url"));
        assertEquals("http://localhost:8083", edge.get("realtime.notification.url"));
    }

    /**
     * An environment variable outranks application.properties: one left in the developer's shell that sets what the
     * profile sets (docker-compose's KAFKA_BOOTSTRAP_SERVERS, say) is not passed on to the service.
     */
    @Test
    void inheritedVariablesThatWouldOutrankTheProfileAreNotPassedOn() throws IOException {
        Path jar = repo.resolve("chat-service/target/quarkus-app/quarkus-run.jar");
        Path app = jar.resolveSibling("app").resolve("chat-service-1.0.jar");
        Files.createDirectories(app.getParent());
        Files.writeString(jar, "the runner");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(app))) {
            zip.putNextEntry(new ZipEntry("application.properties"));
            zip.write(Files.readAllBytes(applicationPropertiesFile(StackService.CHAT)));
            zip.closeEntry();
        }
        Set<String> keys = LocalProfile.keys(jar);
        assertEquals(localProfile(StackService.CHAT).keySet(), keys);

        Set<String> unset = LocalProfile.shadowingVariables(List.of("KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_HTTP_HOST",
                "quarkus_datasource_username", "_LOCAL_QUARKUS_OIDC_AUTH_SERVER_URL", "QUARKUS_HTTP_CORS_ORIGINS",
                "PATH", "HOME", "QUARKUS_DATASOURCE_PASSWORD", "QUARKUS_LOG_LEVEL", "STACK_KAFKA_PORT"), keys);
        assertEquals(Set.of("KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_HTTP_HOST", "quarkus_datasource_username",
                "_LOCAL_QUARKUS_OIDC_AUTH_SERVER_URL", "QUARKUS_HTTP_CORS_ORIGINS"), unset);
        assertEquals(Set.of(), LocalProfile.keys(repo.resolve("activity-service/target/quarkus-app/quarkus-run.jar")),
                "nothing packaged, nothing to read");
    }

    @Test
    void busyDemoPortIsRefusedBeforeAnythingStarts() throws IOException {
        StackConfig config = StackConfig.from(properties, environment).isolatedForTests().withServices(Set.of());
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", config.demoPort()));

            LocalStackException e = assertThrows(LocalStackException.class, () -> LocalStack.start(config));

            assertTrue(e.getMessage().contains("demo port " + config.demoPort()), e.getMessage());
        }
    }

    @Test
    void infrastructureOnlyStackCreatesTopicsDatabasesAndIssuerAndCleansUp() throws Exception {
        StackConfig config = StackConfig.forTests().withRepositoryDir(repo).withServices(Set.of());
        Assumptions.assumeTrue(postgresAnswers(config), "PostgreSQL is not running at "
                + config.pgHost() + ":" + config.pgPort());
        List<String> databases = List.of(config.chatDatabase(), config.activityDatabase(),
                config.notificationDatabase());

        LocalStack stack = LocalStack.start(config);
        try {
            assertTrue(databases(config).containsAll(databases), "databases created");
            assertEquals(config.kafkaBootstrapServers(), stack.kafkaBootstrapServers());
            assertEquals(config.issuerUrl(), stack.issuer().issuer());
            HttpResponse<String> discovery = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(stack.issuerUrl() + "/.well-known/openid-configuration"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, discovery.statusCode());
            // The demo web app: not built in this fake repository, but its configuration is served.
            HttpResponse<String> demoConfig = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(stack.demoUrl() + "/config.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, demoConfig.statusCode());
            assertEquals(DemoWebServer.configJson(config), demoConfig.body());
            assertTrue(demoConfig.body().contains("\"issuer\":\"" + stack.issuerUrl() + "\""), demoConfig.body());
            HttpResponse<String> demoPage = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(stack.demoUrl() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, demoPage.statusCode());
            assertEquals(stack.demoUrl(), JsonUtil.parseJson(ScriptedStack.describe(stack)).get("demoUrl"),
                    ScriptedStack.describe(stack));

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.kafkaBootstrapServers()))) {
                // Every topic of contracts, with its retention or compaction as in production (3 partitions here).
                List<String> expected = Topics.ALL.stream().map(TopicSpec::name).toList();
                Map<String, TopicDescription> topics = admin.describeTopics(expected).allTopicNames()
                        .get(30, TimeUnit.SECONDS);
                List<ConfigResource> resources = new ArrayList<>();
                for (String topic : expected) {
                    assertEquals(3, topics.get(topic).partitions().size(), topic);
                    resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
                }
                Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
                for (TopicSpec spec : Topics.ALL) {
                    Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
                    spec.configs().forEach((key, value) -> assertEquals(value, actual.get(key).value(),
                            spec.name() + " " + key));
                }
                assertEquals("compact", configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.MEMBERSHIPS))
                        .get("cleanup.policy").value());
            }
        } finally {
            stack.close();
            stack.close(); // idempotent
        }

        assertTrue(isFree(config.kafkaPort()), "kafka port released");
        assertTrue(isFree(config.issuerPort()), "issuer port released");
        assertTrue(isFree(config.demoPort()), "demo port released");
        assertTrue(databases(config).stream().noneMatch(databases::contains), "test databases dropped");
        assertFalse(Files.exists(config.kafkaDataDir()), "a test stack's Kafka data deleted");
    }

    @Test
    void kafkaKeepsItsTopicsRecordsAndClusterIdAcrossRestartsUntilItsDataIsDeleted() throws Exception {
        Path data = repo.resolve(StackConfig.KAFKA_DIR);
        int port = StackConfig.freePorts(1)[0];
        String clusterId;
        try (LocalKafka kafka = LocalKafka.start(port, data, false)) {
            clusterId = kafka.clusterId();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>(Topics.MEMBERSHIPS, "conversation:c|u", "kept")).get(30,
                        TimeUnit.SECONDS);
            }
        }
        assertEquals(clusterId, LocalKafka.clusterId(data).orElseThrow(), "the data directory names its cluster");

        try (LocalKafka kafka = LocalKafka.start(port, data, false)) {
            assertEquals(clusterId, kafka.clusterId());
            assertEquals(clusterId, clusterIdOf(kafka.bootstrapServers()), "the same cluster after a restart");
            assertEquals(List.of("kept"), values(kafka.bootstrapServers(), Topics.MEMBERSHIPS));
        }

        LocalKafka.deleteData(data);
        try (LocalKafka kafka = LocalKafka.start(port, data, true)) {
            assertNotEquals(clusterId, clusterIdOf(kafka.bootstrapServers()), "a clean start is a new cluster");
            assertEquals(List.of(), values(kafka.bootstrapServers(), Topics.MEMBERSHIPS));
        }
        assertFalse(Files.exists(data), "a throwaway Kafka deletes its data at close");
    }

    @Test
    void testStackDropsTheDatabasesItCreated() throws Exception {
        StackConfig config = StackConfig.forTests().withRepositoryDir(repo);
        Assumptions.assumeTrue(postgresAnswers(config), "PostgreSQL is not running");
        PostgresAdmin admin = new PostgresAdmin(config);

        List<String> wanted = List.of(config.chatDatabase(), config.activityDatabase());
        assertEquals(wanted, admin.createMissing(wanted));
        assertEquals(List.of(), admin.createMissing(wanted), "second run finds them");
        assertTrue(databases(config).containsAll(wanted));

        admin.drop(wanted);
        assertTrue(databases(config).stream().noneMatch(wanted::contains));
    }

    // ---- helpers

    /** {@code ${stack.<name>}} in a value (with or without a default after ':'). */
    private static final Pattern STACK_REFERENCE = Pattern.compile("\\$\\{(stack\\.[^}:]+)[^}]*}");
    /** This repository's services (the test runs in the launcher module's directory). */
    private static final Path REPOSITORY = StackConfig.findRepository(Path.of(""));

    private static Path applicationPropertiesFile(StackService service) {
        return REPOSITORY.resolve(service.module()).resolve("src/main/resources/application.properties");
    }

    private static Properties applicationProperties(StackService service) throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(applicationPropertiesFile(service))) {
            properties.load(in);
        }
        return properties;
    }

    /** The service's %local entries, by key without the prefix. */
    private static Map<String, String> localProfile(StackService service) throws IOException {
        Properties properties = applicationProperties(service);
        Map<String, String> local = new TreeMap<>();
        LocalProfile.keys(properties).forEach(key -> local.put(key, properties.getProperty(LocalProfile.PREFIX + key)));
        assertFalse(local.isEmpty(), service + " has no %local entries");
        return local;
    }

    /** The %local entries with the launcher's stack properties for the service put in. */
    private static Map<String, String> resolvedLocalProfile(LocalStack stack, StackService service) throws IOException {
        Map<String, String> given = stack.stackProperties(service);
        Map<String, String> resolved = new TreeMap<>();
        localProfile(service).forEach((key, value) -> resolved.put(key, STACK_REFERENCE.matcher(value)
                .replaceAll(reference -> {
                    String passed = given.get(reference.group(1));
                    assertTrue(passed != null, service + " reads " + reference.group(1) + " in " + key
                            + ", which the launcher does not pass");
                    return Matcher.quoteReplacement(passed);
                })));
        return resolved;
    }

    private void fakeJars() throws IOException {
        for (StackService service : StackService.values()) {
            Path jar = repo.resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
            Files.createDirectories(jar.getParent());
            Files.writeString(jar, "not really a jar");
        }
    }

    private static boolean postgresAnswers(StackConfig config) {
        try {
            new PostgresAdmin(config).checkReachable();
            return true;
        } catch (LocalStackException e) {
            return false;
        }
    }

    private static List<String> databases(StackConfig config) throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", config.pgUser());
        credentials.setProperty("password", config.pgPassword());
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl("postgres"), credentials);
                PreparedStatement query = connection.prepareStatement("SELECT datname FROM pg_database");
                ResultSet rows = query.executeQuery()) {
            List<String> names = new java.util.ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names.stream().sorted().collect(Collectors.toList());
        }
    }

    private static String clusterIdOf(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }

    /** Every value on the topic, read from the beginning to the end offsets of now. */
    private static List<String> values(String bootstrapServers, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<String> values = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertTrue(System.nanoTime() < deadline, "read " + topic + " to " + ends);
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
            return values;
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
