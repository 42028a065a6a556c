package dev.realtime.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackConfigTest {

    @TempDir
    Path repo;

    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();

    @BeforeEach
    void fakeRepository() throws IOException {
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Files.createDirectories(repo.resolve("launcher"));
        Files.writeString(repo.resolve("launcher/pom.xml"), "<project/>");
        Files.createDirectories(repo.resolve("chat-service"));
        properties.put("user.dir", repo.toString());
        properties.put("java.home", "/opt/jdk");
    }

    @Test
    void aCleanStartIsAskedForWithStackCleanAndKafkasDataCanMove() {
        environment.put("STACK_CLEAN", "1");
        environment.put("STACK_KAFKA_DIR", repo.resolve("elsewhere").toString());
        StackConfig config = StackConfig.from(properties, environment);
        assertTrue(config.clean());
        assertEquals(repo.resolve("elsewhere").toAbsolutePath().normalize(), config.kafkaDataDir());
        assertFalse(config.withClean(false).clean());

        environment.put("STACK_CLEAN", "maybe");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> StackConfig.from(properties, environment));
        assertTrue(bad.getMessage().contains("clean"), bad.getMessage());

        StackConfig test = StackConfig.from(properties, Map.of()).isolatedForTests();
        assertTrue(test.kafkaDataDir().startsWith(test.logDir()), "a test stack keeps its Kafka data in its own folder");
        assertFalse(test.clean());
    }

    /** docs/realtime-protocol.md's default of the edge's allow-list is what the local stack gives it. */
    @Test
    void theLocalStacksBrowserOriginsAreTheEdgesDocumentedDefaults() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "realtime-protocol.md"));
        Matcher documented = Pattern.compile("\\| `realtime\\.allowed-origins` \\| `([^`]+)`").matcher(docs);
        assertTrue(documented.find(), "docs/realtime-protocol.md lists realtime.allowed-origins");

        assertEquals(Set.of(documented.group(1).split(",")),
                Set.copyOf(StackConfig.from(properties, environment).browserOrigins()));
    }

    /** The Keycloak the launcher runs is the one the build downloads. */
    @Test
    void theKeycloakVersionIsTheOneTheBuildDownloads() throws IOException {
        Matcher version = Pattern.compile("<keycloak.version>([^<]+)</keycloak.version>")
                .matcher(Files.readString(Path.of("..", "pom.xml")));
        assertTrue(version.find(), "the root pom sets keycloak.version");
        assertEquals(version.group(1), KeycloakServer.VERSION);
        properties.put("user.home", "/home/dev");
        StackConfig keycloak = StackConfig.from(properties, Map.of("STACK_IDP", "keycloak"));
        assertEquals(StackConfig.IdentityProvider.KEYCLOAK, keycloak.identityProvider());
        assertEquals(Path.of("/home/dev/.m2/repository/org/keycloak/keycloak-quarkus-dist/" + version.group(1)
                + "/keycloak-quarkus-dist-" + version.group(1) + ".zip"), keycloak.keycloakZip());
        assertEquals("http://localhost:8180/realms/realtime", keycloak.issuerUrl());
        assertEquals("web", keycloak.webClientId());
        assertThrows(IllegalArgumentException.class, () -> StackConfig.from(properties, Map.of("STACK_IDP", "okta")));
    }

    @Test
    void defaultsWithoutOverrides() {
        StackConfig config = StackConfig.from(properties, environment);

        assertEquals(9092, config.kafkaPort());
        assertEquals(8180, config.issuerPort());
        assertEquals(8080, config.edgePort());
        assertEquals(8081, config.chatPort());
        assertEquals(8082, config.activityPort());
        assertEquals(8083, config.notificationPort());
        assertEquals(8090, config.demoPort());
        assertEquals("http://localhost:8090", config.demoUrl());
        assertEquals(List.of("http://localhost:8090", "http://127.0.0.1:8090", "http://localhost:8080",
                "http://127.0.0.1:8080", "http://localhost:5173", "http://localhost:3000"), config.browserOrigins());
        assertEquals(repo.resolve("clients/demo/dist").toAbsolutePath().normalize(), config.demoDistDir());
        assertEquals("127.0.0.1", config.pgHost());
        assertEquals(5432, config.pgPort());
        assertEquals("postgres", config.pgUser());
        assertEquals("", config.pgPassword());
        assertEquals(List.of("chat", "activity", "notification"),
                List.of(config.chatDatabase(), config.activityDatabase(), config.notificationDatabase()));
        assertFalse(config.dropDatabasesOnClose());
        assertEquals(EnumSet.allOf(StackService.class), config.services());
        assertEquals(repo.toAbsolutePath().normalize(), config.repositoryDir());
        assertEquals(repo.resolve(".local-stack/logs").toAbsolutePath().normalize(), config.logDir());
        assertEquals(Path.of("/opt/jdk/bin/java"), config.javaExecutable());
        assertFalse(config.echoServiceLogs());
        assertEquals(Duration.ofSeconds(120), config.readyTimeout());
        assertEquals(Duration.ofHours(1), config.tokenLifetime());
        assertEquals(repo.resolve(".local-stack/kafka").toAbsolutePath().normalize(), config.kafkaDataDir());
        assertFalse(config.clean());

        assertEquals("http://localhost:8180/realms/dev", config.issuerUrl());
        assertEquals("localhost:9092", config.kafkaBootstrapServers());
        assertEquals("http://localhost:8081", config.serviceUrl(StackService.CHAT));
        assertEquals("jdbc:postgresql://127.0.0.1:5432/chat", config.jdbcUrl("chat"));
        assertEquals("127.0.0.1:5432", config.pgServer());
        assertEquals(repo.resolve("realtime-edge/target/quarkus-app/quarkus-run.jar").toAbsolutePath().normalize(),
                config.serviceJar(StackService.EDGE));
        assertEquals(repo.resolve(".local-stack/logs/chat-service.log").toAbsolutePath().normalize(),
                config.logFile(StackService.CHAT));
    }

    @Test
    void systemPropertiesOverrideDefaults() {
        properties.put("stack.kafka.port", "19092");
        properties.put("stack.issuer.port", "18180");
        properties.put("stack.db.chat", "chat_two");
        properties.put("stack.services", "chat, edge");
        properties.put("stack.echo.logs", "true");
        properties.put("stack.ready.timeout", "30");
        properties.put("stack.token.lifetime", "PT5M");
        properties.put("stack.service.jvm.opts", " -Xmx256m   -Dfoo=bar ");
        properties.put("stack.java", "/usr/lib/jvm/other/bin/java");

        StackConfig config = StackConfig.from(properties, environment);

        assertEquals(19092, config.kafkaPort());
        assertEquals("http://localhost:18180/realms/dev", config.issuerUrl());
        assertEquals("chat_two", config.chatDatabase());
        assertEquals(Set.of(StackService.CHAT, StackService.EDGE), config.services());
        assertTrue(config.echoServiceLogs());
        assertEquals(Duration.ofSeconds(30), config.readyTimeout());
        assertEquals(Duration.ofMinutes(5), config.tokenLifetime());
        assertEquals(List.of("-Xmx256m", "-Dfoo=bar"), config.serviceJvmOptions());
        assertEquals(Path.of("/usr/lib/jvm/other/bin/java"), config.javaExecutable());
    }

    @Test
    void environmentOverridesDefaultsAndSystemPropertiesWin() {
        environment.put("STACK_EDGE_PORT", "18080");
        environment.put("STACK_CHAT_PORT", "18081");
        environment.put("STACK_DEMO_PORT", "18090");
        properties.put("stack.chat.port", "28081");
        environment.put("STACK_SERVICES", "none");

        StackConfig config = StackConfig.from(properties, environment);

        assertEquals(18080, config.edgePort());
        assertEquals(28081, config.chatPort());
        assertEquals(18090, config.demoPort());
        assertTrue(config.services().isEmpty());
    }

    @Test
    void pgUrlGivesTheServerAndCredentials() {
        environment.put("PG_URL", "postgresql://app:s%40cret@db.example:6543/postgres");

        StackConfig config = StackConfig.from(properties, environment);

        assertEquals("db.example", config.pgHost());
        assertEquals(6543, config.pgPort());
        assertEquals("app", config.pgUser());
        assertEquals("s@cret", config.pgPassword());
        assertEquals("jdbc:postgresql://db.example:6543/chat", config.jdbcUrl("chat"));
        assertEquals("db.example:6543", config.pgServer());
    }

    @Test
    void jdbcStylePgUrlWithQueryCredentialsAndDefaultPort() {
        environment.put("PG_URL", "jdbc:postgresql://10.0.0.5/postgres?user=u&password=p&sslmode=disable");

        StackConfig config = StackConfig.from(properties, environment);

        assertEquals("10.0.0.5", config.pgHost());
        assertEquals(5432, config.pgPort());
        assertEquals("u", config.pgUser());
        assertEquals("p", config.pgPassword());
    }

    @Test
    void individualPgSettingsWinOverPgUrl() {
        environment.put("PG_URL", "postgresql://app:pw@db.example:6543/postgres");
        environment.put("PG_HOST", "127.0.0.2");
        properties.put("stack.pg.user", "other");

        StackConfig config = StackConfig.from(properties, environment);

        assertEquals("127.0.0.2", config.pgHost());
        assertEquals(6543, config.pgPort());
        assertEquals("other", config.pgUser());
        assertEquals("pw", config.pgPassword());
    }

    @Test
    void badValuesAreReportedByKeyWithoutLeakingPasswords() {
        properties.put("stack.kafka.port", "ninety");
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> StackConfig.from(properties, environment));
        assertTrue(port.getMessage().contains("kafka.port"), port.getMessage());
        properties.remove("stack.kafka.port");
        environment.put("STACK_DEMO_PORT", "70000");
        IllegalArgumentException demo = assertThrows(IllegalArgumentException.class,
                () -> StackConfig.from(properties, environment));
        assertTrue(demo.getMessage().contains("demo.port"), demo.getMessage());
        environment.remove("STACK_DEMO_PORT");

        properties.remove("stack.kafka.port");
        environment.put("PG_URL", "mysql://root:topsecret@db:3306/x");
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                () -> StackConfig.from(properties, environment));
        assertTrue(url.getMessage().contains("PG_URL"), url.getMessage());
        assertFalse(url.getMessage().contains("topsecret"));

        environment.remove("PG_URL");
        properties.put("stack.db.chat", "chat; DROP DATABASE x");
        assertThrows(IllegalArgumentException.class, () -> StackConfig.from(properties, environment));

        properties.remove("stack.db.chat");
        properties.put("stack.services", "chat,mail");
        IllegalArgumentException service = assertThrows(IllegalArgumentException.class,
                () -> StackConfig.from(properties, environment));
        assertTrue(service.getMessage().contains("mail"), service.getMessage());
    }

    @Test
    void toStringHidesThePassword() {
        environment.put("PG_PASSWORD", "topsecret");

        StackConfig config = StackConfig.from(properties, environment);

        assertEquals("topsecret", config.pgPassword());
        assertFalse(config.toString().contains("topsecret"), config.toString());
    }

    @Test
    void isolatedForTestsUsesFreshPortsAndDatabases() {
        StackConfig base = StackConfig.from(properties, environment);

        StackConfig first = base.isolatedForTests();
        StackConfig second = base.isolatedForTests();

        int[] ports = { first.kafkaPort(), first.issuerPort(), first.edgePort(), first.chatPort(),
                first.activityPort(), first.notificationPort(), first.demoPort() };
        assertEquals(7, Arrays.stream(ports).distinct().count(), "ports must be distinct");
        assertTrue(Arrays.stream(ports).noneMatch(p -> p == 9092 || p == 8180 || p == 8090
                || (p >= 8080 && p <= 8083)));
        assertTrue(first.chatDatabase().startsWith("chat_test_"), first.chatDatabase());
        assertNotEquals(first.chatDatabase(), second.chatDatabase());
        assertNotEquals(first.notificationDatabase(), second.notificationDatabase());
        assertTrue(first.dropDatabasesOnClose());
        assertTrue(first.logDir().startsWith(base.logDir()));
        assertNotEquals(first.logDir(), second.logDir());
        assertEquals(base.pgHost(), first.pgHost());
        assertEquals(base.repositoryDir(), first.repositoryDir());
    }

    @Test
    void findsTheRepositoryFromAModuleDirectory() {
        assertEquals(repo.toAbsolutePath().normalize(), StackConfig.findRepository(repo.resolve("chat-service")));
    }

    @Test
    void withRepositoryDirMovesTheLogFolderAlong() {
        StackConfig config = StackConfig.from(properties, environment).withRepositoryDir(Path.of("/elsewhere"));

        assertEquals(Path.of("/elsewhere"), config.repositoryDir());
        assertEquals(Path.of("/elsewhere/.local-stack/logs"), config.logDir());
    }
}
