package dev.realtime.benchmarks.notification;

import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.ConversationCreated;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.notification.NotificationEventTypes;
import dev.realtime.contracts.notification.NotificationNew;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.benchmarks.FirstArrivals;
import dev.realtime.benchmarks.ProcStat;
import dev.realtime.benchmarks.Stats;
import dev.realtime.benchmarks.TopicTail;
import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackConfig;
import dev.realtime.launcher.StackService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Fan-out latency of notification-service: the time from one {@code chat.message.new.v1} on {@code chat.events}
 * to the last of its {@code notification:new} records on {@code notification.events}, for a conversation of
 * {@code members} members. Starts the real packaged notification-service (launcher's {@link LocalStack}: fresh
 * database, embedded Kafka, development OIDC issuer), creates the conversation as chat events, then sends one
 * message per round and waits for every member but the author to have their notification. Prints, asserts nothing.
 */
public final class NotificationFanoutBenchmark {
    private static final Logger[] QUIET = {Logger.getLogger("kafka"), Logger.getLogger("org.apache.kafka"),
            Logger.getLogger("state.change.logger"), Logger.getLogger("org.apache.kafka.controller"),
            Logger.getLogger("org.apache.kafka.clients.NetworkClient"), Logger.getLogger("org.jose4j"),
            Logger.getLogger("dev.realtime.launcher")};

    private NotificationFanoutBenchmark() {
    }

    public static void main(String... args) throws Exception {
        for (Logger logger : QUIET) {
            logger.setLevel(Level.SEVERE);
        }
        int members = Integer.getInteger("notify.bench.members", 1000);
        int warmupRounds = Integer.getInteger("notify.bench.warmup-rounds", 5);
        int rounds = Integer.getInteger("notify.bench.rounds", 9);
        Duration timeout = Duration.parse(System.getProperty("notify.bench.timeout", "PT180S"));
        Duration pause = Duration.parse(System.getProperty("notify.bench.pause", "PT2S"));
        List<String> serviceJvm = Arrays.asList(System.getProperty("notify.bench.service-jvm", "-Xmx512m").split(" "));

        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        StackConfig config = StackConfig.forTests()
                .withServices(EnumSet.of(StackService.NOTIFICATION))
                .withServiceJvmOptions(serviceJvm);
        config = config.withLogDir(Path.of("target", "notification-bench-logs").toAbsolutePath()
                .resolve(started.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        System.out.println("Starting Kafka (embedded), the development OIDC issuer and notification-service "
                + config.serviceJar(StackService.NOTIFICATION) + " with " + String.join(" ", serviceJvm));
        LocalStack stack = LocalStack.start(config);
        int exit = 1;
        try {
            run(stack, members, warmupRounds, rounds, timeout, pause);
            exit = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            stack.close();
        }
        System.exit(exit);
    }

    private static void run(LocalStack stack, int members, int warmupRounds, int rounds, Duration timeout, Duration pause)
            throws Exception {
        System.out.printf(Locale.ROOT, "Stack ready: %s (log %s)%n", stack.notificationUrl(),
                stack.logFile(StackService.NOTIFICATION));
        System.out.printf(Locale.ROOT, "CPUs: %d, notification-service JVM options: %s%n",
                Runtime.getRuntime().availableProcessors(), stack.config().serviceJvmOptions());
        List<String> users = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            users.add(String.format(Locale.ROOT, "bench-user-%04d", i));
        }
        String author = users.get(0);
        String conversation = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        try (Arrivals arrivals = new Arrivals(stack.kafkaBootstrapServers());
                KafkaProducer<String, byte[]> producer = producer(stack.kafkaBootstrapServers())) {
            String created = UUID.randomUUID().toString();
            long t0 = System.nanoTime();
            send(producer, created, ChatEventTypes.CONVERSATION_CREATED, conversation, 1, author,
                    new ConversationCreated(conversation, "Benchmark hall", author, users, null, false, Instant.now()));
            Result creation = arrivals.await(created, members - 1, t0, timeout);
            System.out.printf(Locale.ROOT, "Conversation of %d members created: %d conversation:added notifications,"
                    + " last after %.0f ms (first after %.0f ms)%n", members, creation.count(), creation.lastMs(),
                    creation.firstMs());

            long servicePid = stack.pid(StackService.NOTIFICATION).orElse(-1L);
            String database = stack.config().notificationDatabase();
            List<Result> measured = new ArrayList<>();
            List<double[]> cpu = new ArrayList<>();
            for (int round = 0; round < warmupRounds + rounds; round++) {
                Thread.sleep(pause.toMillis());
                long[] machineBefore = ProcStat.machineTicks();
                long serviceBefore = processTicks(servicePid);
                long pgBefore = pgTicks(database);
                String eventId = UUID.randomUUID().toString();
                MessageNew message = new MessageNew(conversation, UUID.randomUUID().toString(), author, "Bench Author",
                        "round " + round, null, List.of(), null, Instant.now());
                long start = System.nanoTime();
                send(producer, eventId, ChatEventTypes.MESSAGE_NEW, conversation, round + 2, author, message);
                Result result = arrivals.await(eventId, members - 1, start, timeout);
                long[] machineAfter = ProcStat.machineTicks();
                // CPU seconds of the service and of its PostgreSQL backends for this fan-out, and how busy the
                // whole machine was (other work included): the latency depends on all three.
                double serviceCpu = (processTicks(servicePid) - serviceBefore) / TICKS;
                double pgCpu = (pgTicks(database) - pgBefore) / TICKS;
                double busy = machineBefore == null || machineAfter == null ? Double.NaN
                        : 100.0 * (1 - (double) (machineAfter[1] - machineBefore[1]) / (machineAfter[0] - machineBefore[0]));
                boolean warmup = round < warmupRounds;
                System.out.printf(Locale.ROOT, "%s %d: %d notification:new, first %.0f ms, median %.0f ms, last %.0f ms"
                                + " (%.0f notifications/s); CPU s service %.2f, PostgreSQL %.2f; machine busy %.0f%%%n",
                        warmup ? "warm-up" : "round", warmup ? round + 1 : round - warmupRounds + 1, result.count(),
                        result.firstMs(), result.medianMs(), result.lastMs(), result.count() / (result.lastMs() / 1000),
                        serviceCpu, pgCpu, busy);
                if (!warmup) {
                    measured.add(result);
                    cpu.add(new double[] {serviceCpu, pgCpu, busy});
                }
            }
            double[] last = measured.stream().mapToDouble(Result::lastMs).sorted().toArray();
            double[] first = measured.stream().mapToDouble(Result::firstMs).sorted().toArray();
            System.out.printf(Locale.ROOT, "%nchat.message.new.v1 -> last notification:new, %d members (%d recipients),"
                            + " %d rounds: median %.0f ms (min %.0f, max %.0f); first notification:new median %.0f ms%n",
                    members, members - 1, measured.size(), Stats.medianOfSorted(last), last[0], last[last.length - 1],
                    Stats.medianOfSorted(first));
            System.out.printf(Locale.ROOT, "CPU per fan-out (median): service %.2f s, PostgreSQL %.2f s; machine busy %.0f%%"
                            + " (load average at the end: %s)%n",
                    Stats.medianOfSorted(cpu.stream().mapToDouble(c -> c[0]).sorted().toArray()),
                    Stats.medianOfSorted(cpu.stream().mapToDouble(c -> c[1]).sorted().toArray()),
                    Stats.medianOfSorted(cpu.stream().mapToDouble(c -> c[2]).sorted().toArray()), loadAverage());
            System.out.printf(Locale.ROOT, "duplicates seen: %d%n", arrivals.duplicates());
            printMetrics(stack.notificationUrl());
        }
    }

    private static void printMetrics(String url) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            response.body().lines()
                    .filter(line -> line.startsWith("notification_fanout") || line.startsWith("eventstore_relay_publish_latency")
                            || line.startsWith("notification_consumer_lag"))
                    .forEach(line -> System.out.println("  " + line));
        } catch (Exception e) {
            System.out.println("metrics not read: " + e);
        }
    }

    /** USER_HZ: the unit of /proc tick counters on Linux. */
    private static final double TICKS = 100.0;

    /** {@link ProcStat#processTicks}, but 0 (not -1) for a process that is gone, as this harness has always counted it. */
    private static long processTicks(long pid) {
        try {
            return ProcStat.statTicks(Path.of("/proc/" + pid + "/stat"));
        } catch (Exception e) {
            return 0;
        }
    }

    private static long pgTicks(String database) {
        return ProcStat.backendTicks(database).values().stream().mapToLong(Long::longValue).sum();
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String id, dev.realtime.contracts.events.EventType type,
            String conversation, long seq, String actor, Object data) throws Exception {
        IntegrationEvent event = new IntegrationEvent(id, URI.create("/chat-service"), type.ceType(),
                OffsetDateTime.now(ZoneOffset.UTC), Room.conversation(conversation), seq, actor, Json.write(data));
        producer.send(CloudEventCodec.toRecord(Topics.CHAT_EVENTS, event)).get();
    }

    record Result(int count, double firstMs, double medianMs, double lastMs) {
    }

    /**
     * Reads every partition of notification.events from its end ({@link TopicTail}); notes each notification:new's
     * arrival per source. A poll waits at most 50 ms and takes up to 2,000 records: one fan-out is a burst of a record
     * per member.
     */
    static final class Arrivals implements AutoCloseable {
        private final Map<String, List<Long>> bySource = new ConcurrentHashMap<>();
        /** Per notification event id: copies of one notification count once. */
        private final FirstArrivals seen = new FirstArrivals();
        private final TopicTail tail;

        Arrivals(String bootstrap) {
            tail = new TopicTail("notification-bench-consumer", bootstrap, Topics.NOTIFICATION_EVENTS,
                    Duration.ofMillis(50), Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000"), this::onRecord);
        }

        private void onRecord(ConsumerRecord<String, byte[]> record, long polledAt) {
            IntegrationEvent event = CloudEventCodec.fromRecord(record);
            if (!NotificationEventTypes.NOTIFICATION_NEW.ceType().equals(event.type())) {
                return;
            }
            if (!seen.note(event.id(), polledAt)) {
                return;
            }
            NotificationNew data = event.dataAs(NotificationNew.class);
            bySource.computeIfAbsent(data.sourceEventId(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(polledAt);
        }

        Result await(String source, int expected, long start, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                List<Long> times = bySource.get(source);
                if (times != null && times.size() >= expected) {
                    break;
                }
                Thread.sleep(5);
            }
            List<Long> times = bySource.getOrDefault(source, List.of());
            long[] sorted;
            synchronized (times) {
                sorted = times.stream().mapToLong(t -> t - start).sorted().toArray();
            }
            if (sorted.length < expected) {
                throw new IllegalStateException("only " + sorted.length + " of " + expected
                        + " notifications arrived within " + timeout);
            }
            return new Result(sorted.length, sorted[0] / 1e6, sorted[sorted.length / 2] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
        }

        long duplicates() {
            return seen.duplicates();
        }

        @Override
        public void close() throws InterruptedException {
            tail.close();
        }
    }

}
