package dev.realtime.activity;

import static io.restassured.RestAssured.given;

import dev.realtime.contracts.events.CloudEventCodec;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.testkit.KafkaBroker;
import dev.realtime.testkit.Tokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** REST calls and Kafka records of the tests, as a given user or service with a real token and the real broker. */
final class ActivityFixtures {
    static final String SERVICE = "svc-tracks";

    private ActivityFixtures() {
    }

    static RequestSpecification as(String user) {
        return given().auth().oauth2(Tokens.accessToken(user)).contentType(ContentType.JSON);
    }

    static RequestSpecification asService() {
        return given().auth().oauth2(Tokens.accessToken(SERVICE, "service")).contentType(ContentType.JSON);
    }

    /** A name no other test uses, so that projects and feeds of tests do not mix. */
    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A project owned by {@code owner} with the others as members; returns its id. */
    static String project(String owner, String... members) {
        String id = as(owner).body(Map.of("title", "Project of " + owner)).post("/api/projects")
                .then().statusCode(201).extract().path("id");
        for (String member : members) {
            as(owner).body(Map.of("userId", member)).post("/api/projects/{id}/members", id).then().statusCode(200);
        }
        return id;
    }

    static Map<String, Object> activity(String verb, String actor, String targetType, String targetId, String title) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("verb", verb);
        body.put("actor", Map.of("id", actor, "name", actor.toUpperCase()));
        body.put("target", Map.of("type", targetType, "id", targetId, "title", title));
        return body;
    }

    static ValidatableResponse post(String project, Map<String, Object> activity) {
        return asService().body(activity).post("/api/projects/{id}/activities", project).then();
    }

    static String posted(String project, Map<String, Object> activity) {
        return post(project, activity).statusCode(201).extract().path("id");
    }

    static List<String> feedVerbs(String user, String project) {
        return as(user).queryParam("limit", 200).get("/api/projects/{id}/activities", project)
                .then().statusCode(200).extract().path("items.verb");
    }

    static void send(String topic, IntegrationEvent event) {
        send(CloudEventCodec.toRecord(topic, event));
    }

    static void send(ProducerRecord<String, byte[]> record) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not produce to " + record.topic(), e);
        }
    }
}
