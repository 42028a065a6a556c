package dev.realtime.edge.ws;

import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.config.EdgeConfig;
import dev.realtime.edge.delivery.Fanout;
import dev.realtime.edge.ops.EdgeMetrics;
import dev.realtime.edge.resume.RoomHistory;
import dev.realtime.edge.rooms.InboundBudget;
import dev.realtime.edge.rooms.RoomRegistry;
import dev.realtime.edge.rooms.Session;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.jboss.logging.Logger;

/**
 * Runs the edge's fan-out path hot before the edge takes connections ({@code realtime.warmup.*}): events of the
 * form the relays publish go, as records, through the CloudEvent decoder, {@link Fanout} (history, render, encode),
 * the sessions' queues and {@link FrameGuard} wires into real loopback sockets, until the JIT compiler has caught
 * up. Without it a fresh edge compiles that path under the first minute's real load, and its C2 thread takes a
 * quarter to a third of a one-CPU edge's core (benchmarks/README.md).
 *
 * <p>It uses the edge's own beans, so the code compiled is the code that runs later, in rooms no client can reach
 * ({@code user:} rooms of a random subject that no token carries) while upgrades are refused anyway
 * ({@link StartupUpgradeGate}), and leaves nothing behind: the sessions leave their rooms, the rooms' history is
 * dropped, the sockets are closed. Readiness ({@link JitWarmupReadiness}) is DOWN until it is over. What it does not
 * warm is the Kafka client's own fetch path.
 */
@ApplicationScoped
public class JitWarmup {
    private static final Logger LOG = Logger.getLogger(JitWarmup.class);
    private static final URI SOURCE = URI.create("urn:realtime:edge-warm-up");
    private static final int ROOMS = 10;
    private static final int SESSIONS_PER_ROOM = 20;
    /** Paced like a busy edge, below what one core writes, so the loopback clients keep up and nothing is dropped. */
    private static final int DELIVERIES_PER_SECOND = 40_000;
    /** The compiler counts as idle in a second in which it compiled for less than this. */
    private static final long IDLE_COMPILE_MILLIS_PER_SECOND = 50;
    private static final int IDLE_SECONDS_TO_END = 2;
    private static final long SETUP_TIMEOUT_SECONDS = 30;

    @Inject
    EdgeConfig config;
    @Inject
    EdgeMetrics metrics;
    @Inject
    Vertx vertx;
    @Inject
    Fanout fanout;
    @Inject
    RoomRegistry rooms;
    @Inject
    RoomHistory history;

    private volatile boolean done;
    private volatile boolean stopping;
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();

    void start(@Observes StartupEvent event) {
        if (config.warmup().max().isZero()) {
            done = true;
            return;
        }
        Thread thread = new Thread(this::runAndOpen, "edge-jit-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** Whether the warm-up is over (or off): from then on the edge takes connections. */
    public boolean done() {
        return done;
    }

    /** Frames queued to the warm-up's sessions so far. */
    public long deliveries() {
        return deliveries.get();
    }

    /** Bytes the loopback clients read so far: the frames went through the sockets. */
    public long bytesReceived() {
        return bytesReceived.get();
    }

    private void runAndOpen() {
        long start = System.nanoTime();
        try {
            run(start);
        } catch (Exception e) {
            // A warm-up is an optimisation: an edge that could not run it still serves, only slower at first.
            LOG.warnf("The JIT warm-up stopped early: %s", e.toString());
        } finally {
            done = true;
        }
    }

    private void run(long start) throws Exception {
        int connections = ROOMS * SESSIONS_PER_ROOM;
        ConcurrentLinkedQueue<FrameGuard> guards = new ConcurrentLinkedQueue<>();
        CountDownLatch accepted = new CountDownLatch(connections);
        NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0));
        server.connectHandler(socket -> {
            if (socket instanceof ConnectionBase base) {
                FrameGuard guard = new FrameGuard(
                        new InboundBudget(config.limits().framesPerSecond(), config.limits().frameBurst()),
                        config.limits().rateViolationsBeforeClose(), metrics, "warm-up connection");
                base.channel().pipeline().addLast(FrameGuard.NAME, guard);
                guards.add(guard);
            }
            accepted.countDown();
        });
        NetClient client = vertx.createNetClient();
        List<NetSocket> clientSockets = new ArrayList<>();
        List<Room> warmupRooms = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        try {
            int port = server.listen().toCompletionStage().toCompletableFuture()
                    .get(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS).actualPort();
            for (int i = 0; i < connections; i++) {
                NetSocket socket = client.connect(port, "127.0.0.1").toCompletionStage().toCompletableFuture()
                        .get(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                socket.handler(bytes -> bytesReceived.addAndGet(bytes.length()));
                clientSockets.add(socket);
            }
            if (!accepted.await(SETUP_TIMEOUT_SECONDS, TimeUnit.SECONDS) || guards.size() < connections) {
                LOG.warnf("The JIT warm-up could not reach the sockets' pipelines (%d of %d); the edge starts cold",
                        guards.size(), connections);
                return;
            }
            String subject = "warm-up-" + UUID.randomUUID();
            for (int r = 0; r < ROOMS; r++) {
                warmupRooms.add(Room.user(subject + "-" + r));
            }
            int i = 0;
            for (FrameGuard guard : guards) {
                Room room = warmupRooms.get(i++ % ROOMS);
                Session session = new Session(new LoopbackConnection("warm-up-" + i), room.id(), "warm-up",
                        Set.of(), Instant.MAX, new Session.Limits(config.limits().sendQueue()),
                        new Session.Socket(guard.inbound(), guard::stalledForNanos, guard), metrics);
                rooms.join(session, room);
                sessions.add(session);
            }
            long compiling = deliverUntilCompiled(warmupRooms, start);
            LOG.infof("Warmed up the fan-out path in %.1f s (%d deliveries to %d loopback sessions, the JIT "
                    + "compiling for %.1f s of it): taking connections", (System.nanoTime() - start) / 1e9,
                    deliveries.get(), sessions.size(), compiling / 1e3);
        } finally {
            for (Session session : sessions) {
                for (Room room : warmupRooms) {
                    rooms.leave(session, room);
                }
            }
            warmupRooms.forEach(history::forget);
            clientSockets.forEach(NetSocket::close);
            client.close();
            server.close();
        }
    }

    /** @return the milliseconds the JIT spent compiling meanwhile, or -1 when the JVM does not tell */
    private long deliverUntilCompiled(List<Room> warmupRooms, long start) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean compileTimeKnown = jit != null && jit.isCompilationTimeMonitoringSupported();
        long compiledAtStart = compileTimeKnown ? jit.getTotalCompilationTime() : 0;
        long minEnd = start + config.warmup().min().toNanos();
        long maxEnd = start + config.warmup().max().toNanos();
        long interval = TimeUnit.SECONDS.toNanos(1) * SESSIONS_PER_ROOM / DELIVERIES_PER_SECOND;
        long[] seqs = new long[warmupRooms.size()];
        byte[] payload = "{\"text\":\"warm-up\",\"sentAt\":0,\"padding\":\"0123456789abcdef0123456789\"}"
                .getBytes(StandardCharsets.UTF_8);
        long next = System.nanoTime();
        long nextLook = next + TimeUnit.SECONDS.toNanos(1);
        long compiledAtLastLook = compiledAtStart;
        int idleSeconds = 0;
        int room = 0;
        while (!stopping) {
            long now = System.nanoTime();
            if (now >= nextLook) {
                nextLook += TimeUnit.SECONDS.toNanos(1);
                long compiled = compileTimeKnown ? jit.getTotalCompilationTime() : 0;
                idleSeconds = compiled - compiledAtLastLook < IDLE_COMPILE_MILLIS_PER_SECOND ? idleSeconds + 1 : 0;
                compiledAtLastLook = compiled;
                if (now >= maxEnd || (now >= minEnd && (!compileTimeKnown || idleSeconds >= IDLE_SECONDS_TO_END))) {
                    break;
                }
            }
            if (next > now) {
                LockSupport.parkNanos(next - now);
            }
            next += interval;
            room = (room + 1) % warmupRooms.size();
            deliveries.addAndGet(fanout.deliver(asRead(warmupRooms.get(room), ++seqs[room], payload)));
        }
        return compileTimeKnown ? jit.getTotalCompilationTime() - compiledAtStart : -1;
    }

    /** The event as the edge's reader gets it: a record written the way the relays write it, decoded again. */
    private static IntegrationEvent asRead(Room room, long seq, byte[] data) {
        IntegrationEvent event = new IntegrationEvent("warm-up-" + room.id() + "-" + seq, SOURCE,
                ChatEventTypes.MESSAGE_NEW.ceType(), OffsetDateTime.now(), room, seq, "warm-up", data);
        ProducerRecord<String, byte[]> written = CloudEventCodec.toRecord(Topics.CHAT_EVENTS, event);
        ConsumerRecord<String, byte[]> read = new ConsumerRecord<>(written.topic(), 0, seq, System.currentTimeMillis(),
                TimestampType.CREATE_TIME, written.key().length(), written.value().length, written.key(),
                written.value(), written.headers(), Optional.empty());
        return CloudEventCodec.fromRecord(read);
    }

    /** The warm-up's sessions are never closed through their connection: they leave their rooms. */
    private record LoopbackConnection(String id) implements Session.Connection {
        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close(int code, String reason) {
        }
    }
}
