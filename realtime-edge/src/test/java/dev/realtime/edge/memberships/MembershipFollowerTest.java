package dev.realtime.edge.memberships;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.kafka.AllPartitionsReader;
import dev.realtime.edge.kafka.KafkaClients;
import dev.realtime.testkit.KafkaBroker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The membership replay against a real broker, one step at a time: not caught up while records written before
 * start-up are still unread (readiness DOWN), caught up exactly when they are, and following the topic after.
 */
class MembershipFollowerTest {
    private static final URI SOURCE = URI.create("/tests/memberships");
    private static final Duration STEP = Duration.ofMillis(200);

    @Test
    void replaysTheTopicBeforeReportingCaughtUpAndThenFollowsIt() throws Exception {
        String bootstrap = KafkaBroker.bootstrapServers();
        String topic = "test.memberships." + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        }

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 600; i++) {
                producer.send(onTopic(topic, grant(i).grantRecord(SOURCE, "test")));
            }
            for (int i = 0; i < 600; i += 3) {
                producer.send(onTopic(topic, grant(i).revokeRecord()));
            }
            // The latest value of conversation:load-1|user-1 becomes unreadable: that membership must not stand.
            producer.send(new ProducerRecord<>(topic, grant(1).key(), "garbage".getBytes(StandardCharsets.UTF_8)));
            producer.flush();

            MembershipIndex index = new MembershipIndex();
            List<String> revoked = new CopyOnWriteArrayList<>();
            AtomicInteger invalid = new AtomicInteger();
            Properties base = new Properties();
            base.put("bootstrap.servers", bootstrap);
            // Small batches, so the replay takes several steps and the state in between can be observed.
            base.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
            AllPartitionsReader reader = new AllPartitionsReader(
                    KafkaClients.consumer(base, "test-memberships", "earliest"), List.of(topic),
                    AllPartitionsReader.Start.BEGINNING);
            try (MembershipFollower follower = new MembershipFollower(reader, index,
                    (room, user) -> revoked.add(room.name() + "|" + user), invalid::incrementAndGet)) {
                assertFalse(follower.status().caughtUp());

                follower.step(STEP);
                MembershipFollower.Status partway = follower.status();
                assertFalse(partway.caughtUp(), "801 records cannot all be read in one batch of 50");
                assertTrue(partway.behind() > 0, "behind: " + partway.behind());

                stepUntil(follower, () -> follower.status().caughtUp());
                assertEquals(0, follower.status().behind());
                for (int i = 0; i < 600; i++) {
                    boolean expected = i % 3 != 0 && i != 1;
                    assertEquals(expected, index.isMember(grant(i).room(), grant(i).userId()), "membership " + i);
                }
                assertEquals(1, invalid.get());
                assertEquals(600 - 200 - 1, index.size());

                // Following: a revocation after start-up is reported, a new grant takes effect.
                revoked.clear();
                producer.send(onTopic(topic, grant(2).revokeRecord()));
                producer.send(onTopic(topic, grant(600).grantRecord(SOURCE, "test")));
                producer.flush();
                stepUntil(follower, () -> index.isMember(grant(600).room(), grant(600).userId()) && !revoked.isEmpty());
                assertEquals(List.of(grant(2).key()), revoked);
                assertFalse(index.isMember(grant(2).room(), grant(2).userId()));
            }
        }
    }

    private static Membership grant(int i) {
        return new Membership(Room.conversation("load-" + i), "user-" + (i % 7), "member");
    }

    private static ProducerRecord<String, byte[]> onTopic(String topic, ProducerRecord<String, byte[]> record) {
        return new ProducerRecord<>(topic, null, record.key(), record.value(), record.headers());
    }

    private static void stepUntil(MembershipFollower follower, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within 30 s; status " + follower.status());
            }
            follower.step(STEP);
        }
    }
}
