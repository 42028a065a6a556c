package dev.realtime.edge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.chat.ChatEventTypes;
import dev.realtime.contracts.chat.MessageNew;
import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.memberships.Membership;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.records.RecordChanged;
import dev.realtime.contracts.records.RecordEventTypes;
import dev.realtime.contracts.records.Target;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.testkit.Tokens;
import dev.realtime.testkit.WsTestClient;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** What the tests do to the running edge from the outside: tokens, Kafka records, WebSocket clients. */
final class Edge {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final Duration QUIET = Duration.ofSeconds(2);
    static final URI SOURCE = URI.create("/tests/realtime-edge");
    private static KafkaProducer<String, byte[]> producer;

    private Edge() {
    }

    /** A signed token whose {@code sub} is the user. */
    static String token(String user, String... roles) {
        return Tokens.accessToken(user, roles);
    }

    /** A token of {@code user} that expires {@code lifetime} from now. */
    static String token(String user, Duration lifetime, String... roles) {
        return Tokens.accessToken(user, lifetime, roles);
    }

    static URI wsUri(URI httpTestResource) {
        return URI.create(httpTestResource.toString().replaceFirst("^http", "ws"));
    }

    static WsTestClient connect(URI ws, String user, String... roles) {
        WsTestClient client = WsTestClient.connect(ws, token(user, roles));
        client.awaitType("welcome", WAIT);
        return client;
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static void awaitReady() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> RestAssured.get("/q/health/ready").statusCode() == 200);
    }

    static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            // The broker the application under test was configured with, whichever class loader started it.
            String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, 0),
                    new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    static void send(ProducerRecord<String, byte[]> record) {
        try {
            producer().send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("could not produce to " + record.topic(), e);
        }
    }

    static void publish(String topic, IntegrationEvent event) {
        send(CloudEventCodec.toRecord(topic, event));
    }

    static void grant(Room room, String user) {
        send(new Membership(room, user, "member").grantRecord(SOURCE, "tests"));
    }

    static void revoke(Room room, String user) {
        send(new Membership(room, user, null).revokeRecord());
    }

    static IntegrationEvent message(Room conversation, long seq, String author, String text) {
        MessageNew data = new MessageNew(conversation.id(), unique("m"), author, author, text, null, List.of(), null,
                Instant.now());
        return new IntegrationEvent(UUID.randomUUID().toString(), SOURCE, ChatEventTypes.MESSAGE_NEW.ceType(),
                OffsetDateTime.now(), conversation, seq, author, Json.write(data));
    }

    static IntegrationEvent event(Room room, String type, Long seq, Map<String, Object> data) {
        return new IntegrationEvent(UUID.randomUUID().toString(), SOURCE, type, OffsetDateTime.now(), room, seq,
                null, Json.write(data));
    }

    /** A {@code records.record.changed.v1} addressed to {@code room}, with an optional audience. */
    static IntegrationEvent recordChanged(Room room, Audience audience) {
        RecordChanged data = new RecordChanged(
                new Target("invoice", unique("inv"), "Invoice", null),
                RecordChanged.UPDATED, null, audience, "Ops", null);
        return new IntegrationEvent(UUID.randomUUID().toString(), SOURCE,
                RecordEventTypes.RECORD_CHANGED.ceType(), OffsetDateTime.now(), room,
                null, null, Json.write(data));
    }

    static Predicate<JsonNode> ofType(String type) {
        return frame -> type.equals(frame.path("type").asText());
    }

    static Map<String, String> subscribe(String id, Room room) {
        return Map.of("type", "subscribe", "id", id, "room", room.name());
    }

    static Map<String, String> subscribe(String id, String room) {
        return Map.of("type", "subscribe", "id", id, "room", room);
    }

    static Predicate<JsonNode> answerTo(String id) {
        return frame -> id.equals(frame.path("id").asText(null));
    }

    static Predicate<JsonNode> eventFor(Room room) {
        return frame -> "event".equals(frame.path("type").asText()) && room.name().equals(frame.path("room").asText());
    }

    static Predicate<JsonNode> eventWithId(String eventId) {
        return frame -> "event".equals(frame.path("type").asText()) && eventId.equals(frame.path("eventId").asText());
    }

    /** Subscribes and waits for the answer, which is returned (an ack or an error). */
    static JsonNode subscribeAndAwait(WsTestClient client, String id, String room) {
        client.send(subscribe(id, room));
        return client.await(answerTo(id), WAIT);
    }

    /** The HTTP status of an upgrade to {@code uri} that the edge refuses (fails if it is accepted). */
    static int handshakeStatus(WebSocket.Builder builder, URI uri) {
        CompletionException failure = assertThrows(CompletionException.class, () -> builder
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new WebSocket.Listener() {
                })
                .join(), uri.toString());
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class,
                failure.getCause(), uri.toString());
        return handshake.getResponse().statusCode();
    }

    /**
     * The sum of the edge's metric series that start with {@code series}: a metric's name (all its series), or a
     * name with the first of its labels ({@code realtime_edge_closes_total{code="4008"}).
     */
    static double counter(String series) {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith(series) && (series.contains("{")
                        || line.startsWith(series + " ") || line.startsWith(series + "{")))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
