package dev.realtime.edge;

import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.testkit.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes memberships before the application starts, as an owning service would have long before an edge
 * instance boots, so a test can check what the index holds by the time readiness says UP.
 */
public class SeededMembershipsResource implements QuarkusTestResourceLifecycleManager {
    static final String USER = "seeded-user";
    static final int ROOMS = 300;
    static final Room REVOKED = Room.conversation("seed-revoked");

    static Room seeded(int i) {
        return Room.conversation("seed-" + i);
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = KafkaBroker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(Topics.MEMBERSHIPS, Optional.empty(), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(e);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        URI source = URI.create("/tests/seed");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < ROOMS; i++) {
                producer.send(new Membership(seeded(i), USER, "member").grantRecord(source, "seed"));
            }
            producer.send(new Membership(REVOKED, USER, "member").grantRecord(source, "seed"));
            producer.send(new Membership(REVOKED, USER, null).revokeRecord());
            producer.flush();
        }
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
