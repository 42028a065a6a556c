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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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

/** LocalStack without the Quarkus services (they are built and exercised by the end-to-end tests). */
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
    void serviceCommandCarriesTheContractPropertiesButNotThePassword() {
        environment.put("PG_PASSWORD", "topsecret");
        StackConfig config = StackConfig.from(properties, environment).withServiceJvmOptions(List.of("-Xmx256m"));
        LocalStack stack = new LocalStack(config, System.out);

        List<String> chat = stack.command(StackService.CHAT);
        assertEquals(config.javaExecutable().toString(), chat.get(0));
        // Loopback unless the service options (after it: the later -D wins) say otherwise.
        assertEquals("-Dquarkus.http.host=127.0.0.1", chat.get(1));
        assertEquals("-Xmx256m", chat.get(2));
        assertTrue(chat.contains("-Dquarkus.http.port=8081"), chat.toString());
        assertTrue(chat.contains("-Dkafka.bootstrap.servers=localhost:9092"));
        assertTrue(chat.contains("-Dquarkus.oidc.auth-server-url=http://localhost:8180/realms/dev"));
        assertTrue(chat.contains("-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/chat"));
        assertTrue(chat.contains("-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/chat"));
        assertTrue(chat.contains("-Dquarkus.datasource.username=postgres"));
        assertEquals(List.of("-jar", config.serviceJar(StackService.CHAT).toString()),
                chat.subList(chat.size() - 2, chat.size()));
        assertFalse(String.join(" ", chat).contains("topsecret"));

        List<String> edge = stack.command(StackService.EDGE);
        assertTrue(edge.contains("-Dquarkus.http.port=8080"));
        assertTrue(edge.stream().noneMatch(arg -> arg.startsWith("-Dquarkus.datasource")), edge.toString());
    }

    @Test
    void notificationServiceMailsTheStacksSinkSoonAfterAUserLeaves() {
        environment.put("STACK_MAIL_PORT", "11025");
        StackConfig config = StackConfig.from(properties, environment)
                .withServiceJvmOptions(List.of("-Dnotification.email.offline-after=PT2S"));
        LocalStack stack = new LocalStack(config, System.out);

        List<String> notification = stack.command(StackService.NOTIFICATION);
        assertTrue(notification.contains("-Dquarkus.mailer.host=127.0.0.1"), notification.toString());
        assertTrue(notification.contains("-Dquarkus.mailer.port=11025"), notification.toString());
        assertTrue(notification.contains("-Dquarkus.mailer.start-tls=DISABLED"), notification.toString());
        assertTrue(notification.contains("-Dnotification.email.address-template={sub}@example.test"));
        // The stack's short digest timing comes before the service options, so that those can change it.
        assertTrue(notification.indexOf("-Dnotification.email.offline-after=PT20S")
                < notification.indexOf("-Dnotification.email.offline-after=PT2S"), notification.toString());
        assertTrue(notification.contains("-Dnotification.email.check-interval=PT5S"));
        assertEquals("http://localhost:8090/mail", stack.mailUrl());
        for (StackService other : List.of(StackService.CHAT, StackService.ACTIVITY, StackService.EDGE)) {
            assertTrue(stack.command(other).stream().noneMatch(arg -> arg.startsWith("-Dquarkus.mailer")
                    || arg.equals("-Dnotification.email.offline-after=PT20S")), other.toString());
        }
    }

    @Test
    void servicesAcceptTheDemoOriginAndLinkToTheDemo() {
        environment.put("STACK_DEMO_PORT", "18090");
        StackConfig config = StackConfig.from(properties, environment);
        LocalStack stack = new LocalStack(config, System.out);
        String origins = "http://localhost:18090,http://127.0.0.1:18090,http://localhost:8080,http://127.0.0.1:8080,"
                + "http://localhost:5173,http://localhost:3000";

        for (StackService service : StackService.values()) {
            List<String> command = stack.command(service);
            assertTrue(command.contains("-Dquarkus.http.cors.origins=" + origins), service + ": " + command);
            // Before -jar: JVM options, not program arguments.
            assertTrue(command.indexOf("-Dquarkus.http.cors.origins=" + origins) < command.indexOf("-jar"));
        }
        List<String> edge = stack.command(StackService.EDGE);
        assertTrue(edge.contains("-Drealtime.allowed-origins=" + origins), edge.toString());
        assertEquals(1, edge.stream().filter(arg -> arg.startsWith("-Drealtime.allowed-origins=")).count());

        List<String> activity = stack.command(StackService.ACTIVITY);
        assertTrue(activity.contains(
                "-Dactivity.links.default=http://localhost:18090/projects/{projectId}/{targetType}/{targetId}"),
                activity.toString());
        assertTrue(activity.contains("-Dactivity.links.project=http://localhost:18090/projects/{projectId}"));
        assertTrue(activity.contains(
                "-Dactivity.links.track=http://localhost:18090/projects/{projectId}/tracks/{targetId}"));
        assertTrue(activity.contains("-Dactivity.links.conversation=http://localhost:18090/conversations/{targetId}"));

        List<String> notification = stack.command(StackService.NOTIFICATION);
        assertTrue(notification.contains("-Dnotification.email.link-base=http://localhost:18090"),
                notification.toString());

        for (StackService other : List.of(StackService.CHAT, StackService.ACTIVITY, StackService.NOTIFICATION)) {
            assertTrue(stack.command(other).stream().noneMatch(arg -> arg.startsWith("-Drealtime.allowed-origins")));
        }
        assertTrue(stack.command(StackService.CHAT).stream().noneMatch(arg -> arg.startsWith("-Dactivity.links")
                || arg.startsWith("-Dnotification.email")));
        assertEquals("http://localhost:18090", stack.demoUrl());
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
