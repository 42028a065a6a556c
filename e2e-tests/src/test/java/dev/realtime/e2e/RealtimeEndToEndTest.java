package dev.realtime.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.TraceParent;
import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackConfig;
import dev.realtime.launcher.StackService;
import dev.realtime.launcher.TraceSink;
import dev.realtime.testkit.WsTestClient;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The system end to end (the first event, and a resume across a large gap), on the packaged services started as separate processes exactly as
 * {@code ./local-stack.sh} starts them: a message posted through chat-service's REST API is stored, relayed
 * to Kafka, consumed by realtime-edge and delivered to the WebSocket sessions of the conversation's members,
 * and to no one else. Tokens come from the stack's OIDC issuer, validated by discovery and JWKS.
 */
class RealtimeEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static LocalStack stack;
    static TraceSink traces;

    @BeforeAll
    static void startStack() {
        // Tracing on, as an operator switches it on, with a new trace sampled never: only requests that come with a
        // sampled traceparent (the trace test's) are recorded, and collected by a sink in this JVM.
        traces = TraceSink.start(0);
        List<String> options = new ArrayList<>(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // The resume test posts 10,000 messages as one user: far beyond the per-user limit meant for people.
                "-Dchat.rate-limit.posts-per-second=100000", "-Dchat.rate-limit.burst=100000"));
        options.addAll(traces.serviceJvmOptions(0.0));
        stack = LocalStack.start(StackConfig.forTests().withServiceJvmOptions(options));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
        if (traces != null) {
            traces.close();
        }
    }

    @Test
    void theStackListensOnLoopbackOnly() throws IOException {
        // The stack runs beside an issuer whose passwords are public: nothing of it may answer on another interface.
        InetAddress outside = null;
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (nic.isUp() && !address.isLoopbackAddress() && address instanceof Inet4Address) {
                    outside = address;
                }
            }
        }
        Assumptions.assumeTrue(outside != null, "this machine has no other IPv4 interface");
        StackConfig config = stack.config();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (StackService service : StackService.values()) {
            ports.put(service.module(), config.port(service));
        }
        ports.put("issuer", config.issuerPort());
        ports.put("kafka", config.kafkaPort());
        ports.put("demo", config.demoPort());
        ports.put("mail", config.mailPort());
        List<String> reachable = new ArrayList<>();
        for (Map.Entry<String, Integer> port : ports.entrySet()) {
            try (Socket loopback = new Socket()) {
                loopback.connect(new InetSocketAddress("127.0.0.1", port.getValue()), 5_000);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(outside, port.getValue()), 5_000);
                reachable.add(port.getKey() + " on " + outside.getHostAddress() + ":" + port.getValue());
            } catch (ConnectException refused) {
                // as it should be
            }
        }
        assertEquals(List.of(), reachable, "parts of the stack answering outside loopback");
    }

    /**
     * Every service runs the launcher's {@code local} profile and takes this stack's addresses from it: the test
     * stack's ports are random, so the demo's origin is none of the services' own defaults (http://localhost:8090).
     */
    @Test
    void everyServiceRunsTheLocalProfileWithThisStacksAddresses() throws IOException {
        for (StackService service : StackService.values()) {
            String log = Files.readString(stack.logFile(service));
            assertTrue(log.contains("Profile local activated"), service + " log: " + stack.logFile(service));
            assertTrue(log.contains("Listening on: http://127.0.0.1:" + stack.config().port(service)),
                    service + " log: " + stack.logFile(service));
        }
        String demoOrigin = stack.demoUrl();
        for (StackService service : List.of(StackService.CHAT, StackService.ACTIVITY, StackService.NOTIFICATION)) {
            given().header("Origin", demoOrigin).header("Access-Control-Request-Method", "POST")
                    .options(stack.url(service) + "/api/conversations")
                    .then().header("Access-Control-Allow-Origin", equalTo(demoOrigin));
        }
        String user = "origin-" + UUID.randomUUID().toString().substring(0, 8);
        try (WsTestClient fromTheDemo = WsTestClient.connect(edge(), token(user), Map.of("Origin", demoOrigin))) {
            assertEquals(user, fromTheDemo.awaitType("welcome", WAIT).path("user").asText());
        }
    }

    @Test
    void aPostedMessageReachesEveryMemberSubscribedToTheConversationAndNoOneElse() {
        String conversation = given().auth().oauth2(token("alice")).contentType(ContentType.JSON)
                .body(Map.of("title", "Release planning", "participants", List.of("bob")))
                .post(stack.chatUrl() + "/api/conversations")
                .then().statusCode(201).extract().path("id");
        String room = "conversation:" + conversation;

        try (WsTestClient alice = WsTestClient.connect(edge(), token("alice"));
                WsTestClient bob = WsTestClient.connectWithSubprotocolToken(edge(), token("bob"));
                WsTestClient carol = WsTestClient.connect(edge(), token("carol"))) {
            assertEquals("bob", bob.awaitType("welcome", WAIT).path("user").asText());
            subscribeOnceMembershipArrived(alice, room);
            subscribeOnceMembershipArrived(bob, room);

            carol.send(Map.of("type", "subscribe", "id", "c1", "room", room));
            JsonNode refused = carol.await(frame -> "c1".equals(frame.path("id").asText()), WAIT);
            assertEquals("error", refused.path("type").asText());
            assertEquals("room.not_found", refused.path("code").asText());

            String messageId = given().auth().oauth2(token("alice")).contentType(ContentType.JSON)
                    .body(Map.of("text", "Ship it on Friday?", "clientMessageId", "m-1"))
                    .post(stack.chatUrl() + "/api/conversations/" + conversation + "/messages")
                    .then().statusCode(201).extract().path("id");

            for (WsTestClient member : List.of(alice, bob)) {
                JsonNode frame = member.await(f -> "event".equals(f.path("type").asText())
                        && "message:new".equals(f.path("event").asText()), WAIT);
                assertEquals(room, frame.path("room").asText());
                assertEquals(2, frame.path("seq").asLong(), "seq is the conversation stream's version");
                assertEquals("alice", frame.path("actor").asText());
                assertEquals(messageId, frame.path("data").path("messageId").asText());
                assertEquals("Ship it on Friday?", frame.path("data").path("text").asText());
                assertTrue(!frame.path("eventId").asText().isEmpty());
            }
            carol.assertNone(frame -> "event".equals(frame.path("type").asText()), Duration.ofSeconds(2));
            bob.assertNone(frame -> "event".equals(frame.path("type").asText())
                    && "message:new".equals(frame.path("event").asText()), Duration.ofSeconds(1));
        }
    }

    /**
     * One trace id leads from a request to every frame it caused: alice's post carries a W3C {@code traceparent};
     * chat-service stores it, the relay puts it on the record, the edge names it on bob's {@code message:new}, and
     * notification-service continues it into bob's {@code notification:new}. A project rename in activity-service
     * likewise.
     */
    @Test
    void theTraceOfARequestIsNamedOnEveryFrameItCaused() {
        String alice = "alice";
        String bob = "bob";
        String conversation = given().auth().oauth2(token(alice)).contentType(ContentType.JSON)
                .body(Map.of("title", "Traced", "participants", List.of(bob)))
                .post(stack.chatUrl() + "/api/conversations")
                .then().statusCode(201).extract().path("id");
        String project = given().auth().oauth2(token(alice)).contentType(ContentType.JSON)
                .body(Map.of("title", "Traced project")).post(stack.activityUrl() + "/api/projects")
                .then().statusCode(201).extract().path("id");
        String postTrace = TraceParent.random().traceId();
        String renameTrace = TraceParent.random().traceId();

        try (WsTestClient aliceClient = WsTestClient.connect(edge(), token(alice));
                WsTestClient bobClient = WsTestClient.connect(edge(), token(bob))) {
            subscribeOnceMembershipArrived(bobClient, "conversation:" + conversation);
            subscribeOnceMembershipArrived(aliceClient, "project:" + project);
            String messageId = given().auth().oauth2(token(alice)).contentType(ContentType.JSON)
                    .header("traceparent", "00-" + postTrace + "-00f067aa0ba902b7-01")
                    .body(Map.of("text", "Which request was this?"))
                    .post(stack.chatUrl() + "/api/conversations/" + conversation + "/messages")
                    .then().statusCode(201).extract().path("id");
            given().auth().oauth2(token(alice)).contentType(ContentType.JSON)
                    .header("traceparent", "00-" + renameTrace + "-00f067aa0ba902b7-01")
                    .body(Map.of("title", "Renamed")).patch(stack.activityUrl() + "/api/projects/" + project)
                    .then().statusCode(200);

            JsonNode message = bobClient.await(f -> "message:new".equals(f.path("event").asText())
                    && messageId.equals(f.path("data").path("messageId").asText()), WAIT);
            assertEquals(postTrace, message.path("traceId").asText());
            JsonNode notification = bobClient.await(f -> "notification:new".equals(f.path("event").asText())
                    && postTrace.equals(f.path("traceId").asText()), WAIT);
            assertEquals("user:" + bob, notification.path("room").asText());
            JsonNode renamed = aliceClient.await(f -> "project:renamed".equals(f.path("event").asText())
                    && ("project:" + project).equals(f.path("room").asText()), WAIT);
            assertEquals(renameTrace, renamed.path("traceId").asText());
        }

        // The same trace, span by span, across the services: each hop a child of the one before.
        List<TraceSink.ExportedSpan> post = awaitTrace(postTrace, spans -> {
            TraceSink.ExportedSpan request = one(spans, "chat-service", "SERVER", null);
            TraceSink.ExportedSpan send = one(spans, "chat-service", "PRODUCER", "send chat.events");
            TraceSink.ExportedSpan consumed = ours(spans, "notification-service", "process chat.events");
            TraceSink.ExportedSpan notify = one(spans, "notification-service", "PRODUCER", "send notification.events");
            return request != null && "00f067aa0ba902b7".equals(request.parentSpanId())
                    && send != null && send.parentSpanId().equals(request.spanId())
                    && childOf(spans, "realtime-edge", "process chat.events", send)
                    && consumed != null && consumed.parentSpanId().equals(send.spanId())
                    && notify != null && notify.parentSpanId().equals(consumed.spanId())
                    && childOf(spans, "realtime-edge", "process notification.events", notify);
        });
        System.out.println(traces.render(postTrace));
        assertEveryParentIsInTheTrace(post);
        List<TraceSink.ExportedSpan> rename = awaitTrace(renameTrace, spans -> {
            TraceSink.ExportedSpan request = one(spans, "activity-service", "SERVER", null);
            TraceSink.ExportedSpan send = one(spans, "activity-service", "PRODUCER", "send activity.events");
            return request != null && send != null && send.parentSpanId().equals(request.spanId())
                    && childOf(spans, "realtime-edge", "process activity.events", send);
        });
        System.out.println(traces.render(renameTrace));
        assertEveryParentIsInTheTrace(rename);
    }

    /** Waits until the spans received of {@code traceId} form {@code complete}; they are exported in batches. */
    static List<TraceSink.ExportedSpan> awaitTrace(String traceId,
            Predicate<List<TraceSink.ExportedSpan>> complete) {
        try {
            return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> traces.trace(traceId), complete);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the trace is not complete after 60 s:\n" + traces.render(traceId));
        }
    }

    static TraceSink.ExportedSpan one(List<TraceSink.ExportedSpan> spans, String service, String kind, String name) {
        List<TraceSink.ExportedSpan> found = spans.stream().filter(span -> span.service().equals(service)
                && span.kind().equals(kind) && (name == null || span.name().equals(name))).toList();
        return found.size() == 1 ? found.get(0) : null;
    }

    /** The service's own consumer span (the Kafka connector adds one of its own, without the event's id). */
    static TraceSink.ExportedSpan ours(List<TraceSink.ExportedSpan> spans, String service, String name) {
        List<TraceSink.ExportedSpan> found = spans.stream().filter(span -> span.service().equals(service)
                && span.name().equals(name) && span.attributes().containsKey("cloudevents.event_id")).toList();
        return found.size() == 1 ? found.get(0) : null;
    }

    static boolean childOf(List<TraceSink.ExportedSpan> spans, String service, String name,
            TraceSink.ExportedSpan parent) {
        return spans.stream().anyMatch(span -> span.service().equals(service) && span.name().equals(name)
                && span.parentSpanId().equals(parent.spanId()));
    }

    /** No span hangs from a parent nobody exported, but the caller's own (the test's traceparent). */
    static void assertEveryParentIsInTheTrace(List<TraceSink.ExportedSpan> spans) {
        Set<String> ids = spans.stream().map(TraceSink.ExportedSpan::spanId).collect(Collectors.toSet());
        List<TraceSink.ExportedSpan> orphans = spans.stream().filter(span -> !ids.contains(span.parentSpanId())
                && !"00f067aa0ba902b7".equals(span.parentSpanId())).toList();
        assertEquals(List.of(), orphans);
    }

    /**
     * A client that was away while 10,000 messages were posted resumes with the last seq it saw: the edge's window
     * holds only the last 200 events of a room, so the rest comes from chat-service's events endpoint, page by page,
     * on the client's behalf (the edge's own token and X-On-Behalf-Of). Messages posted during the resume arrive too: every seq once, in order.
     */
    @Test
    void aClientResumesAcrossAGapOfTenThousandEventsThenContinuesLive() throws Exception {
        String conversation = given().auth().oauth2(token("alice")).contentType(ContentType.JSON)
                .body(Map.of("title", "Busy room", "participants", List.of("dave")))
                .post(stack.chatUrl() + "/api/conversations")
                .then().statusCode(201).extract().path("id");
        String room = "conversation:" + conversation;
        String alice = token("alice");
        long seen;
        try (WsTestClient dave = WsTestClient.connect(edge(), token("dave"))) {
            dave.awaitType("welcome", WAIT);
            subscribeOnceMembershipArrived(dave, room);
            post(alice, conversation, "before", "before the gap");
            seen = dave.await(frame -> "event".equals(frame.path("type").asText()) && room.equals(frame.path("room").asText()),
                    WAIT).path("seq").asLong();
        }

        int gap = 10_000;
        ExecutorService posters = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> posted = new ArrayList<>();
            for (int i = 0; i < gap; i++) {
                int n = i;
                posted.add(posters.submit(() -> post(alice, conversation, "gap-" + n, "missed " + n)));
            }
            for (Future<?> post : posted) {
                post.get();
            }

            try (WsTestClient dave = WsTestClient.connect(edge(), token("dave"))) {
                dave.awaitType("welcome", WAIT);
                dave.send(Map.of("type", "subscribe", "id", "resume", "room", room, "since", seen));
                // Posted while the resume is being replayed: held by the edge and sent after the replay.
                List<Future<?>> during = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int n = i;
                    during.add(posters.submit(() -> post(alice, conversation, "during-" + n, "during " + n)));
                }
                List<Long> seqs = new ArrayList<>();
                Set<String> eventIds = new HashSet<>();
                Set<String> texts = new HashSet<>();
                JsonNode ack = dave.await(frame -> {
                    if ("event".equals(frame.path("type").asText()) && room.equals(frame.path("room").asText())) {
                        seqs.add(frame.path("seq").asLong());
                        eventIds.add(frame.path("eventId").asText());
                        texts.add(frame.path("data").path("text").asText());
                    }
                    return "resume".equals(frame.path("id").asText());
                }, Duration.ofSeconds(120));
                assertEquals("ack", ack.path("type").asText(), ack.toString());
                assertTrue(ack.path("resume").path("complete").asBoolean(), ack.toString());
                for (Future<?> post : during) {
                    post.get();
                }
                long last = seen + gap + 5;
                while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < last) {
                    JsonNode frame = dave.await(f -> "event".equals(f.path("type").asText())
                            && room.equals(f.path("room").asText()), WAIT);
                    seqs.add(frame.path("seq").asLong());
                    eventIds.add(frame.path("eventId").asText());
                    texts.add(frame.path("data").path("text").asText());
                }
                List<Long> expected = new ArrayList<>();
                for (long seq = seen + 1; seq <= last; seq++) {
                    expected.add(seq);
                }
                assertEquals(expected, seqs, "every seq after the one seen, once, in order");
                assertEquals(expected.size(), eventIds.size());
                for (int i = 0; i < gap; i++) {
                    assertTrue(texts.contains("missed " + i), "message " + i + " was replayed");
                }
                dave.assertNone(f -> "event".equals(f.path("type").asText()) && room.equals(f.path("room").asText()),
                        Duration.ofSeconds(1));
            }
        } finally {
            posters.shutdownNow();
        }
    }

    /**
     * Two edge instances side by side, each reading every partition, no sticky sessions: a message posted once
     * reaches the members connected to either instance, each exactly once. Then the second instance is stopped as
     * an orchestrator stops a pod (SIGTERM): its clients are told to reconnect elsewhere (1001), the first
     * instance's clients are not disturbed, and a client that reconnects there resumes without a gap.
     */
    @Test
    void aMessagePostedOnceReachesClientsOnTwoEdgeInstancesOnce() throws Exception {
        int secondPort = freePort();
        URI second = URI.create(stack.startExtraInstance(StackService.EDGE, secondPort).replace("http", "ws") + "/ws");
        String conversation = given().auth().oauth2(token("alice")).contentType(ContentType.JSON)
                .body(Map.of("title", "Across instances", "participants", List.of("bob", "carol")))
                .post(stack.chatUrl() + "/api/conversations")
                .then().statusCode(201).extract().path("id");
        String room = "conversation:" + conversation;
        try (WsTestClient bobOnFirst = WsTestClient.connect(edge(), token("bob"));
                WsTestClient carolOnSecond = WsTestClient.connect(second, token("carol"));
                WsTestClient bobOnSecond = WsTestClient.connect(second, token("bob"))) {
            for (WsTestClient client : List.of(bobOnFirst, carolOnSecond, bobOnSecond)) {
                client.awaitType("welcome", WAIT);
                subscribeOnceMembershipArrived(client, room);
            }
            post(token("alice"), conversation, "once", "posted once");
            for (WsTestClient client : List.of(bobOnFirst, carolOnSecond, bobOnSecond)) {
                JsonNode frame = client.await(f -> "event".equals(f.path("type").asText())
                        && room.equals(f.path("room").asText()) && "message:new".equals(f.path("event").asText()), WAIT);
                assertEquals("posted once", frame.path("data").path("text").asText());
            }
            for (WsTestClient client : List.of(bobOnFirst, carolOnSecond, bobOnSecond)) {
                client.assertNone(f -> "event".equals(f.path("type").asText()) && room.equals(f.path("room").asText())
                        && "message:new".equals(f.path("event").asText()), Duration.ofSeconds(1));
            }
            long carolSeen = 0;
            for (JsonNode frame : carolOnSecond.received()) {
                if (room.equals(frame.path("room").asText()) && frame.has("seq")) {
                    carolSeen = Math.max(carolSeen, frame.path("seq").asLong());
                }
            }

            stack.stopExtraInstance(secondPort);
            assertEquals(1001, carolOnSecond.awaitClose(WAIT), "go away: reconnect elsewhere");
            assertEquals(1001, bobOnSecond.awaitClose(WAIT));
            assertTrue(bobOnFirst.isOpen(), "the other instance's clients stay connected");
            post(token("alice"), conversation, "while-away", "posted while carol moves");
            try (WsTestClient carolOnFirst = WsTestClient.connect(edge(), token("carol"))) {
                carolOnFirst.awaitType("welcome", WAIT);
                carolOnFirst.send(Map.of("type", "subscribe", "id", "back", "room", room, "since", carolSeen));
                // Either order is right: replayed before the ack when this instance had already read the message,
                // live after it when the message was still on its way here (the resume is complete either way).
                JsonNode missed = null;
                JsonNode ack = null;
                while (missed == null || ack == null) {
                    JsonNode frame = carolOnFirst.await(f -> "back".equals(f.path("id").asText())
                            || "event".equals(f.path("type").asText()) && room.equals(f.path("room").asText()), WAIT);
                    if ("back".equals(frame.path("id").asText())) {
                        ack = frame;
                    } else if (missed == null) {
                        missed = frame;
                    }
                }
                assertEquals("posted while carol moves", missed.path("data").path("text").asText());
                assertTrue(ack.path("resume").path("complete").asBoolean(), "the resume is complete");
            }
        }
    }

    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * The local stack's offline digest, as a developer sees it: a user who is not connected is added to a
     * conversation and sent a message; within the stack's short digest timing (20 s offline) notification-service
     * e-mails the user (an address from the stack's template: the user never called the API) through the stack's SMTP
     * sink, and the demo web server shows the mail at /mail.
     */
    @Test
    void aUserAwayFromTheAppGetsADigestEmailThatTheLocalStackShows() {
        String user = "away-" + UUID.randomUUID().toString().substring(0, 8);
        String address = user + "@example.test";
        String conversation = given().auth().oauth2(token("alice")).contentType(ContentType.JSON)
                .body(Map.of("title", "Digest check", "participants", List.of(user)))
                .post(stack.chatUrl() + "/api/conversations")
                .then().statusCode(201).extract().path("id");
        post(token("alice"), conversation, "digest-1", "Can you review the draft?");

        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Map<String, Object> mail = null;
        while (mail == null) {
            List<Map<String, Object>> mails = given().get(stack.mailUrl() + ".json")
                    .then().statusCode(200).extract().jsonPath().getList("mails");
            mail = mails.stream().filter(m -> List.of(address).equals(m.get("to"))).findFirst().orElse(null);
            if (mail == null) {
                assertTrue(System.nanoTime() < deadline, "no digest for " + address + " in the sink: " + mails);
                sleep(Duration.ofSeconds(1));
            }
        }
        assertTrue(String.valueOf(mail.get("subject")).contains("unread notification"), mail.toString());
        String text = String.valueOf(mail.get("text"));
        assertTrue(text.contains("Digest check"), text);
        assertTrue(text.contains(stack.demoUrl() + "/conversations/" + conversation), text);
        String page = given().get(stack.mailUrl()).then().statusCode(200).extract().asString();
        assertTrue(page.contains(address), page);
    }

    /**
     * A service without Kafka, through the edge's server API only: a record change that names its actor becomes an
     * activity in the project's feed, as a Kafka producer's does.
     */
    @Test
    void aRecordChangeSentOverHttpBecomesAFeedActivity() {
        String project = given().auth().oauth2(token("alice")).contentType(ContentType.JSON)
                .body(Map.of("title", "Billing")).post(stack.activityUrl() + "/api/projects")
                .then().statusCode(201).extract().path("id");
        String invoice = "inv-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(stack.issuer().serviceToken()).contentType(ContentType.JSON)
                .body(Map.of("type", "records.record.changed.v1", "actor", "alice", "data", Map.of(
                        "record", Map.of("type", "invoice", "id", invoice, "title", "Invoice " + invoice),
                        "change", "updated", "projectId", project)))
                .post(stack.edgeUrl() + "/api/v1/rooms/project:" + project + "/events")
                .then().statusCode(202);

        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Map<String, Object>> activities;
        do {
            activities = given().auth().oauth2(token("alice"))
                    .queryParam("verb", "record:changed")
                    .get(stack.activityUrl() + "/api/projects/" + project + "/activities")
                    .then().statusCode(200).extract().jsonPath().getList("items");
            if (activities.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no feed activity for the record change");
                sleep(Duration.ofMillis(200));
            }
        } while (activities.isEmpty());
        assertEquals(1, activities.size(), activities.toString());
        Map<String, Object> activity = activities.get(0);
        assertEquals("record:changed", activity.get("verb"));
        assertEquals("alice", ((Map<?, ?>) activity.get("actor")).get("id"));
        assertEquals(invoice, ((Map<?, ?>) activity.get("target")).get("id"));
        assertEquals("Invoice " + invoice, ((Map<?, ?>) activity.get("target")).get("title"));
        // The local profile's default deep link, into this stack's demo app (a type without its own template).
        assertEquals(stack.demoUrl() + "/projects/" + project + "/invoice/" + invoice,
                ((Map<?, ?>) activity.get("target")).get("link"));
    }

    /**
     * A service without Kafka asks for a notification through the edge's server API; a retry with the same
     * requestId (its first answer lost, say) makes no second one. Both requests and a later one go to the same
     * partition (key user:bob), so once the later one is in the inbox the retry has been handled too.
     */
    @Test
    void aNotificationRequestedOverHttpReachesTheInboxOnceAcrossRetries() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> request = Map.of("requestId", "export-" + run, "audience", Map.of("users", List.of("bob")),
                "type", "export:done", "title", "Export " + run + " is ready");
        for (int call = 0; call < 2; call++) {
            given().auth().oauth2(stack.issuer().serviceToken()).contentType(ContentType.JSON).body(request)
                    .post(stack.edgeUrl() + "/api/v1/notifications")
                    .then().statusCode(202).body("requestId", equalTo("export-" + run));
        }
        given().auth().oauth2(stack.issuer().serviceToken()).contentType(ContentType.JSON)
                .body(Map.of("audience", Map.of("users", List.of("bob")), "type", "export:done",
                        "title", "Later " + run))
                .post(stack.edgeUrl() + "/api/v1/notifications").then().statusCode(202);

        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> titles;
        do {
            titles = given().auth().oauth2(token("bob")).queryParam("limit", 200)
                    .get(stack.notificationUrl() + "/api/notifications")
                    .then().statusCode(200).extract().jsonPath().getList("items.title", String.class);
            if (!titles.contains("Later " + run)) {
                assertTrue(System.nanoTime() < deadline, "the notifications never reached bob's inbox: " + titles);
                sleep(Duration.ofMillis(200));
            }
        } while (!titles.contains("Later " + run));
        assertEquals(1, titles.stream().filter(("Export " + run + " is ready")::equals).count(), titles.toString());
    }

    /** Posts as the token's user; a 409 (lost race for the stream version under load) is retried with the same client id. */
    /**
     * "Last seen" across the system: the edge publishes each connection's open and close on realtime.connections,
     * notification-service keeps the latest per user, and the edge's server API answers a service with the live
     * presence (cluster-wide) and that last seen.
     */
    @Test
    void aServiceSeesWhetherAUserIsOnlineAndWhenTheyWereLastSeen() {
        // A user of this test alone: no other test's connection can keep them online.
        String dave = "dave-" + UUID.randomUUID().toString().substring(0, 8);
        String path = stack.edgeUrl() + "/api/v1/users/" + dave + "/presence";
        String service = stack.issuer().serviceToken();
        WsTestClient client = WsTestClient.connect(edge(), token(dave));
        client.awaitType("welcome", WAIT);
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(service).get(path)
                .then().statusCode(200).body("online", equalTo(true))
                .body("lastSeenAvailable", equalTo(true))
                .body("lastConnectedAt", notNullValue()));
        String connectedAt = given().auth().oauth2(service).get(path).then().extract().path("lastConnectedAt");

        client.closeNormally(1000, "signed out", WAIT);
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(service).get(path)
                .then().statusCode(200).body("online", equalTo(false))
                .body("lastCloseCode", equalTo(1000))
                .body("lastDisconnectedAt", notNullValue()));
        Map<String, Object> seen = given().auth().oauth2(service).get(path).then().extract().jsonPath().getMap("");
        assertTrue(!Instant.parse((String) seen.get("lastDisconnectedAt"))
                .isBefore(Instant.parse(connectedAt)), seen.toString());
        assertTrue(!Instant.parse((String) seen.get("lastSeenAt"))
                .isBefore(Instant.parse((String) seen.get("lastDisconnectedAt"))), seen.toString());
        // The user asks notification-service directly; another user may not.
        given().auth().oauth2(token(dave)).get(stack.notificationUrl() + "/api/users/" + dave + "/presence")
                .then().statusCode(200).body("lastCloseCode", equalTo(1000));
        given().auth().oauth2(token("carol")).get(stack.notificationUrl() + "/api/users/" + dave + "/presence")
                .then().statusCode(404);
    }

    /**
     * The Grafana dashboard (deploy/grafana) shows what the running services export: every metric its panels query
     * is on some service's {@code /q/metrics}, with the labels the panel filters and groups by. A renamed metric or
     * tag would otherwise leave an empty panel that nobody notices until an incident. Prometheus adds {@code job}
     * and {@code instance} itself (deploy/prometheus/prometheus.yml).
     */
    @Test
    void everyMetricTheDashboardQueriesIsExportedByTheRunningServices() throws IOException {
        // The Kafka client's own metrics (kafka_consumer_*) appear once its consumer group has assigned partitions,
        // seconds after the service is ready; every metric of ours exists from the start.
        await().atMost(Duration.ofSeconds(90)).until(() -> given().get(stack.notificationUrl() + "/q/metrics")
                .then().extract().asString().contains("kafka_consumer_fetch_manager_records_lag{"));
        Map<String, Map<String, Set<String>>> exposed = new LinkedHashMap<>();
        for (StackService service : StackService.values()) {
            String metrics = given().get(stack.url(service) + "/q/metrics").then().statusCode(200)
                    .extract().asString();
            Dashboard.exposed(metrics).forEach((name, labels) -> {
                Map<String, Set<String>> known = exposed.computeIfAbsent(name, n -> new LinkedHashMap<>());
                labels.forEach((label, values) -> known.computeIfAbsent(label, l -> new HashSet<>()).addAll(values));
            });
        }
        List<String> missing = new ArrayList<>();
        Dashboard dashboard = Dashboard.read();
        assertTrue(dashboard.queries().size() >= 20, "the dashboard's queries: " + dashboard.queries().size());
        for (Dashboard.Query query : dashboard.queries()) {
            assertTrue(!query.selectors().isEmpty(), query.panel() + ": no metric in " + query.expr());
            Set<String> labels = new HashSet<>(Set.of("job", "instance"));
            for (Dashboard.Selector selector : query.selectors()) {
                Map<String, Set<String>> series = exposed.get(selector.metric());
                if (series == null) {
                    missing.add(query.panel() + ": no service exports " + selector.metric());
                    continue;
                }
                labels.addAll(series.keySet());
                selector.matchers().forEach((label, value) -> {
                    if (!series.getOrDefault(label, Set.of()).contains(value)) {
                        missing.add(query.panel() + ": " + selector.metric() + " has no series " + label + "=" + value);
                    }
                });
            }
            for (String label : query.groupedBy()) {
                if (!labels.contains(label)) {
                    missing.add(query.panel() + ": groups by " + label + ", a label none of its metrics has: " + query.expr());
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    static void post(String token, String conversation, String clientMessageId, String text) {
        for (int attempt = 1; ; attempt++) {
            int status = given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(Map.of("text", text, "clientMessageId", clientMessageId))
                    .post(stack.chatUrl() + "/api/conversations/" + conversation + "/messages")
                    .then().extract().statusCode();
            if (status == 201 || status == 200) {
                return;
            }
            if (status != 409 || attempt == 10) {
                throw new AssertionError("posting " + clientMessageId + " answered " + status);
            }
        }
    }

    /**
     * The membership travels chat-service → relay → realtime.memberships → edge index; until it has arrived a
     * subscribe is refused exactly like a stranger's, and a client tries again, as a front end would after the
     * create call returned.
     */
    static void subscribeOnceMembershipArrived(WsTestClient client, String room) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int attempt = 1; ; attempt++) {
            String id = "s" + attempt;
            client.send(Map.of("type", "subscribe", "id", id, "room", room));
            JsonNode answer = client.await(frame -> id.equals(frame.path("id").asText()), WAIT);
            if ("ack".equals(answer.path("type").asText())) {
                return;
            }
            assertEquals("room.not_found", answer.path("code").asText());
            if (System.nanoTime() > deadline) {
                throw new AssertionError("membership of " + room + " never reached the edge");
            }
            sleep(Duration.ofMillis(200));
        }
    }

    static URI edge() {
        return URI.create(stack.edgeWsUrl() + "/ws");
    }

    static String token(String user) {
        return stack.issuer().token(user);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
