package dev.realtime.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.realtime.contracts.events.Topics;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * A single-node KRaft broker in this JVM, with the system's topics created up front. Its data lives in a directory
 * that outlives the broker ({@code .local-stack/kafka} for {@code ./local-stack.sh}): a restart finds its topics and
 * records again, under the same cluster id, as a restarted real broker would. A throwaway stack (tests) deletes it.
 */
final class LocalKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);
    static final int PARTITIONS = 3;

    /**
     * The system's topics (contracts' {@code Topics.ALL}: retention and compaction as in production), created
     * explicitly so their configs are right from the first record; fewer partitions than production, one broker.
     */
    static final List<NewTopic> TOPICS = Topics.ALL.stream()
            .map(spec -> new NewTopic(spec.name(), Math.min(PARTITIONS, spec.partitions()), (short) 1)
                    .configs(spec.configs()))
            .toList();

    /** Written by Kafka when it formats a log directory; holds the cluster id. */
    private static final String META_PROPERTIES = "meta.properties";
    private static final int NODE_ID = 1;

    private final EmbeddedKafkaBroker broker;
    private final Path dataDir;
    private final boolean deleteDataOnClose;
    private final String bootstrapServers;

    private LocalKafka(EmbeddedKafkaBroker broker, Path dataDir, boolean deleteDataOnClose, String bootstrapServers) {
        this.broker = broker;
        this.dataDir = dataDir;
        this.deleteDataOnClose = deleteDataOnClose;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts on {@code dataDir}, keeping what an earlier start left there (topics, records, cluster id), and deletes it
     * at {@link #close()} when {@code deleteDataOnClose}.
     */
    static LocalKafka start(int port, Path dataDir, boolean deleteDataOnClose, int... portsTakenLater) {
        String clusterId;
        try {
            Files.createDirectories(dataDir);
            clusterId = clusterId(dataDir).orElseGet(() -> Uuid.randomUuid().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare Kafka's data directory " + dataDir, e);
        }
        long begin = System.nanoTime();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaHost("localhost")
                .withKafkaPort(port)
                // Chosen here: left to itself the broker takes any free port for its controller, and the port it
                // serves clients on is free too until it binds it, so the two came out equal once ("Each listener
                // must have a different port").
                .withControllerPort(controllerPortBeside(port, portsTakenLater))
                // The formatted directory names its cluster and node: a restart must present the same ones.
                .withClusterId(clusterId)
                .withNodeId(NODE_ID)
                .withDeleteLogDirsOnClose(false)
                .withAdditionalProperties(properties -> {
                    properties.put("log.dir", dataDir.toString());
                    // For topics a producer creates implicitly (the open topic's future siblings).
                    properties.put("num.partitions", String.valueOf(PARTITIONS));
                });
        try {
            broker.start();
        } catch (RuntimeException e) {
            if (deleteDataOnClose) {
                deleteRecursively(dataDir);
            }
            throw new LocalStackException("Kafka could not start on port " + port + " with data in " + dataDir + ": "
                    + e.getMessage() + " (to start with empty Kafka and databases: ./local-stack.sh --clean)", e);
        }
        String bootstrap = "localhost:" + port;
        LocalKafka kafka = new LocalKafka(broker, dataDir, deleteDataOnClose, bootstrap);
        try {
            kafka.createTopics();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info("kafka ready bootstrap={} topics={} clusterId={} data={} startMs={}", bootstrap, TOPICS.size(),
                clusterId, dataDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        return kafka;
    }

    /**
     * A free port for the controller listener, other than {@code port} and the ports others of the stack will bind
     * after the broker started (all free until bound).
     */
    static int controllerPortBeside(int port, int... portsTakenLater) {
        Set<Integer> taken = new HashSet<>();
        taken.add(port);
        for (int other : portsTakenLater) {
            taken.add(other);
        }
        int candidate;
        do {
            candidate = StackConfig.freePorts(1)[0];
        } while (taken.contains(candidate));
        return candidate;
    }

    /**
     * A broker someone else runs on {@code localhost:<port>}: creates the system's topics there when missing, and
     * neither stops it nor deletes its data at {@link #close}.
     */
    static LocalKafka attach(int port) {
        String bootstrap = "localhost:" + port;
        LocalKafka kafka = new LocalKafka(null, null, false, bootstrap);
        kafka.createTopics();
        LOG.info("kafka attached bootstrap={} topics={}", bootstrap, TOPICS.size());
        return kafka;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String clusterId() {
        return broker.getClusterId();
    }

    /** The cluster id a previous start wrote into {@code dataDir}, if there was one. */
    static Optional<String> clusterId(Path dataDir) throws IOException {
        Path meta = dataDir.resolve(META_PROPERTIES);
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (var in = Files.newInputStream(meta)) {
            properties.load(in);
        }
        return Optional.ofNullable(properties.getProperty("cluster.id")).filter(id -> !id.isBlank());
    }

    private void createTopics() {
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "local-stack-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(adminConfig)) {
            for (var entry : admin.createTopics(TOPICS).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new LocalStackException("could not create topic " + entry.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while creating Kafka topics", e);
        } catch (TimeoutException e) {
            throw new LocalStackException("Kafka did not create the topics within 30 s", e);
        }
    }

    @Override
    public void close() {
        if (broker == null) {
            return;
        }
        try {
            broker.close();
        } finally {
            if (deleteDataOnClose) {
                deleteRecursively(dataDir);
            }
        }
    }

    /** Empties Kafka for a clean start: every topic and record, and the cluster id, are gone. */
    static void deleteData(Path dataDir) {
        deleteRecursively(dataDir);
        if (Files.exists(dataDir)) {
            throw new LocalStackException("could not delete Kafka's data directory " + dataDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.debug("could not delete {}: {}", path, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete Kafka data {}: {}", dir, e.getMessage());
        }
    }
}
