package dev.realtime.benchmarks.fanout;

import dev.realtime.benchmarks.ProcStat;
import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackService;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * realtime-edge as a user runs it: the packaged service (started by the launcher, pinned by its java wrapper), fed
 * through Kafka by a producer in the harness that writes {@code chat.message.new.v1} CloudEvents to {@code
 * chat.events}, as chat-service's relay does, with the room's {@code seq}. A plain Kafka consumer in the harness
 * reads the same topic, so the broker's own share of the latency is measured beside the edge's.
 */
final class EdgeTarget implements Target {
    private static final URI SOURCE = URI.create("urn:realtime:benchmark");
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");
    private static final Pattern ZGC_USED = Pattern.compile("ZHeap\\s+used (\\d+)M");

    private final LocalStack stack;
    private final KafkaProducer<String, byte[]> producer;
    private final PacedProducer paced;
    private final Map<String, Long> seqs = new HashMap<>();
    private final String pad;
    private final Path jcmd;
    private final BaselineConsumer baseline;
    private volatile int step;

    EdgeTarget(LocalStack stack, String[] rooms, int payloadBytes) {
        this.stack = stack;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // As the relay: nothing waits to fill a batch; batches form by themselves under load.
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producer = new KafkaProducer<>(props);
        for (String room : rooms) {
            seqs.put(room, 0L);
        }
        pad = Payloads.pad(payloadBytes);
        paced = new PacedProducer(rooms, this::send);
        jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        baseline = new BaselineConsumer(stack.kafkaBootstrapServers());
    }

    KafkaProducer<String, byte[]> producer() {
        return producer;
    }

    @Override
    public String name() {
        return "realtime-edge";
    }

    @Override
    public LoadClients.Wire wire() {
        return LoadClients.Wire.EDGE;
    }

    @Override
    public int port() {
        return stack.config().edgePort();
    }

    @Override
    public void restart() {
        stack.restart(StackService.EDGE);
    }

    @Override
    public void stop() {
        stack.stop(StackService.EDGE, false);
    }

    @Override
    public long serverPid() {
        return stack.pid(StackService.EDGE).orElse(-1L);
    }

    @Override
    public List<Long> helperPids() {
        return List.of(); // the broker and the producer run in the harness JVM
    }

    @Override
    public void startProducing(int stepId, double eventsPerSecond) {
        step = stepId;
        baseline.begin(stepId);
        paced.start(eventsPerSecond);
    }

    @Override
    public Map<String, Long> stopProducing() {
        Map<String, Long> sent = paced.stop();
        producer.flush();
        return sent;
    }

    @Override
    public long[] baselineLatencies() {
        return baseline.latencies();
    }

    @Override
    public void measureBaseline(boolean on) {
        baseline.reading = on;
    }

    private void send(String room, long n) {
        long seq;
        synchronized (seqs) {
            seq = seqs.merge(room, 1L, Long::sum);
        }
        byte[] data = Payloads.json(step, n, room, EpochMicros.now(), pad).getBytes(StandardCharsets.UTF_8);
        IntegrationEvent event = new IntegrationEvent("bench-" + room + "-" + seq, SOURCE,
                ChatEventTypes.MESSAGE_NEW.ceType(), OffsetDateTime.now(), Room.parse(room), seq, "bench", data);
        producer.send(CloudEventCodec.toRecord(Topics.CHAT_EVENTS, event));
    }

    @Override
    public Memory memory(boolean collect) {
        long pid = serverPid();
        if (collect) {
            jcmd(pid, "GC.run");
        }
        String heapInfo = jcmd(pid, "GC.heap_info");
        long used = 0;
        Matcher generations = HEAP_USED.matcher(heapInfo);
        while (generations.find()) {
            used += Long.parseLong(generations.group(1)) * 1024;
        }
        Matcher zgc = ZGC_USED.matcher(heapInfo);
        if (zgc.find()) {
            used = Long.parseLong(zgc.group(1)) * 1024 * 1024;
        }
        return new Memory(ProcStat.rssBytes(pid), used == 0 ? -1 : used);
    }

    @Override
    public String heapHistogram() {
        return jcmd(serverPid(), "GC.class_histogram").lines().limit(60).collect(Collectors.joining("\n", "", "\n"));
    }

    private String jcmd(long pid, String command) {
        try {
            Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command)
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (Exception e) {
            return "";
        }
    }

    @Override
    public void close() {
        paced.stop();
        baseline.close();
        producer.close(Duration.ofSeconds(5));
    }

    /** A plain consumer of chat.events: what reading the broker costs in latency, without any server in between. */
    private static final class BaselineConsumer implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;
        /** Off: the consumer neither fetches nor counts; on again, it starts from the end of the topic. */
        volatile boolean reading = true;
        private volatile int step = -1;
        private long[] samples = new long[1024];
        private int count;

        BaselineConsumer(String bootstrap) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
            KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props);
            thread = new Thread(() -> {
                try (consumer) {
                    List<TopicPartition> partitions = consumer.partitionsFor(Topics.CHAT_EVENTS).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    consumer.assign(partitions);
                    consumer.seekToEnd(partitions);
                    boolean wasReading = true;
                    while (running) {
                        if (!reading) {
                            wasReading = false;
                            Thread.sleep(50);
                            continue;
                        }
                        if (!wasReading) {
                            consumer.seekToEnd(partitions);
                            wasReading = true;
                        }
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                            long received = EpochMicros.now();
                            Buffer data = Buffer.buffer(record.value());
                            if (Payloads.number(data, Payloads.STEP_KEY, 0) == step) {
                                add(received - Payloads.number(data, Payloads.SENT_KEY, 0));
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    if (running) {
                        System.err.println("baseline consumer stopped: " + e);
                    }
                }
            }, "fanout-kafka-baseline");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized void begin(int stepId) {
            step = stepId;
            count = 0;
        }

        private synchronized void add(long micros) {
            if (count == samples.length) {
                samples = Arrays.copyOf(samples, count * 2);
            }
            samples[count++] = micros;
        }

        synchronized long[] latencies() {
            return Arrays.copyOf(samples, count);
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
