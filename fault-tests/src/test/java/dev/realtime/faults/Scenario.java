package dev.realtime.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.realtime.contracts.events.Topics;
import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackService;

/**
 * One run of the whole path under faults: three users with a protocol-only client each (one sends its token as
 * browsers do), in {@code conversations} conversations together; the first user posts at a steady rate through REST
 * (a {@link Poster}); a {@link KafkaLog} reads chat.events with read_committed. Faults are
 * injected while it runs; afterwards the run waits for the system to settle and compares, post by post, what was
 * acked, stored, published, delivered on the wire and put in the inboxes ({@link Result}).
 */
final class Scenario implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIVE_TIMEOUT = Duration.ofSeconds(120);

    /** Knobs, from system properties (README.md). */
    record Settings(int postsPerSecond, int conversations, Duration before, Duration after, Duration outage,
            Duration settle, Duration recoveryBound, Duration giveUpAfter) {

        static Settings fromSystemProperties() {
            return new Settings(
                    Integer.getInteger("faults.rate", 30),
                    Integer.getInteger("faults.conversations", 2),
                    Faults.parseDuration(System.getProperty("faults.before", "10s")),
                    Faults.parseDuration(System.getProperty("faults.after", "20s")),
                    Faults.parseDuration(System.getProperty("faults.outage", "20s")),
                    Faults.parseDuration(System.getProperty("faults.settle", "120s")),
                    Faults.parseDuration(System.getProperty("faults.recovery-bound", "60s")),
                    Faults.parseDuration(System.getProperty("faults.give-up", "120s")));
        }
    }

    /**
     * One fault as injected (System.nanoTime): started, ended (recovery counts from here), and done (the restarted
     * component answered: a service ready, the broker answering).
     */
    record Injection(Fault fault, long startNanos, long endNanos, long doneNanos) {
    }

    private final LocalStack stack;
    private final KafkaProcess kafka;
    private final Settings settings;
    private final String name;
    private final String author;
    private final List<String> members;
    private final List<String> conversations = new ArrayList<>();
    private final List<EdgeClient> clients = new ArrayList<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Injection> injections = new ArrayList<>();
    private KafkaLog chatLog;
    private KafkaLog notificationLog;
    private Poster poster;

    Scenario(LocalStack stack, KafkaProcess kafka, Settings settings, String name) {
        this.stack = stack;
        this.kafka = kafka;
        this.settings = settings;
        this.name = name;
        // Fresh users per run: their inboxes and rooms hold only what this run caused.
        String tag = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "") + UUID.randomUUID().toString()
                .substring(0, 4);
        this.author = tag + "-ann";
        this.members = List.of(tag + "-ben", tag + "-cat");
    }

    String name() {
        return name;
    }

    private String token(String user) {
        // The issuer's tokens live an hour by default: one per user is enough for a run.
        return tokens.computeIfAbsent(user, u -> stack.issuer().token(u));
    }

    /** Creates the conversations, connects the clients and the Kafka readers, and waits until every client is live. */
    void open() {
        for (int i = 0; i < settings.conversations(); i++) {
            conversations.add(createConversation("fault run " + name + " #" + i));
        }
        List<String> rooms = new ArrayList<>(conversations.stream().map(id -> "conversation:" + id).toList());
        URI edge = URI.create(stack.edgeWsUrl() + "/ws");
        List<String> users = new ArrayList<>(List.of(author));
        users.addAll(members);
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            List<String> own = new ArrayList<>(rooms);
            own.add("user:" + user);
            clients.add(new WireClient(user, edge, () -> token(user), i == 1, own));
        }
        // A second tab of each member, on the JavaScript SDK: what a front end on the SDK shows its user.
        for (String member : members) {
            List<String> own = new ArrayList<>(rooms);
            own.add("user:" + member);
            clients.add(new SdkClient(member, edge, token(member), own,
                    stack.config().logDir().resolve("sdk-" + member + ".log")));
        }
        chatLog = new KafkaLog(kafka.bootstrapServers(), Topics.CHAT_EVENTS);
        notificationLog = new KafkaLog(kafka.bootstrapServers(), Topics.NOTIFICATION_EVENTS);
        awaitAllLive(LIVE_TIMEOUT);
        poster = new Poster(stack.chatUrl(), conversations, () -> token(author), name, settings.giveUpAfter());
    }

    /** Creates a conversation of the three; a slow first answer of a cold service is retried. */
    private String createConversation(String title) {
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                String body = JSON.writeValueAsString(Map.of("title", title, "participants", members));
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create(stack.chatUrl() + "/api/conversations"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + token(author))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 201) {
                    return JSON.readTree(response.body()).path("id").asText();
                }
                last = new IllegalStateException("creating a conversation answered " + response.statusCode() + ": "
                        + response.body());
            } catch (IOException e) {
                last = new IllegalStateException("creating a conversation: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Faults.sleep(Duration.ofSeconds(2));
        }
        throw last;
    }

    private void awaitAllLive(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!clients.stream().allMatch(EdgeClient::live)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("clients not live within " + timeout + ": " + clients.stream()
                        .map(EdgeClient::state).toList());
            }
            Faults.sleep(Duration.ofMillis(200));
        }
    }

    void startPosting() {
        poster.start(settings.postsPerSecond());
    }

    /** Injects one fault now; returns when it has been undone (the restarted service may still be starting). */
    Injection inject(Fault fault) {
        long start = System.nanoTime();
        long[] end = {0};
        System.out.printf("[faults] %s: injecting %s (%s)%n", name, fault, fault.description);
        try {
            fault.inject(stack, kafka, settings.outage(), () -> end[0] = System.nanoTime());
        } finally {
            if (end[0] == 0) {
                end[0] = System.nanoTime();
            }
            Injection injection = new Injection(fault, start, end[0], System.nanoTime());
            injections.add(injection);
        }
        System.out.printf("[faults] %s: %s undone after %.1f s%n", name, fault,
                (end[0] - start) / 1e9);
        return injections.get(injections.size() - 1);
    }

    /** Stops posting, waits for the posts in flight, then for the system to settle, and compares everything. */
    Result finish() {
        poster.stop();
        long settleDeadline = System.nanoTime() + settings.settle().toNanos();
        Result result = analyse();
        while (!result.settled() && System.nanoTime() < settleDeadline) {
            Faults.sleep(Duration.ofSeconds(2));
            result = analyse();
        }
        return result;
    }

    // ---- the comparison

    /** What one run came to. {@code failures} empty = every check held. */
    /**
     * {@code retried}: acked posts that needed more than one attempt; {@code slowestAckSeconds}: the longest time from
     * a post's first send to its 2xx (what a user waits behind the spinner, retries included).
     */
    record Result(String name, String faults, int posted, int acked, int retried, double slowestAckSeconds,
            int gaveUp, int refused, int storedLost,
            int storedDuplicated, int onKafka, int kafkaLost, int kafkaDuplicated, int kafkaReordered,
            Map<String, Integer> seenPerClient, int wireLost, int wireDuplicated, int wireReordered,
            int notificationsExpected, int notificationsLost, int incompleteResumes,
            Map<String, Double> recoverySeconds, boolean settled, List<String> failures) {
    }

    Result analyse() {
        List<String> failures = new ArrayList<>();
        List<String> streams = conversations.stream().map(id -> "conversation:" + id).toList();
        String chatJdbc = stack.jdbcUrl(StackService.CHAT).orElseThrow();
        String notificationJdbc = stack.jdbcUrl(StackService.NOTIFICATION).orElseThrow();
        String pgUser = stack.config().pgUser();
        List<Stores.StoredEvent> stored = Stores.events(chatJdbc, pgUser, streams);

        // Posts: acked ones are stored exactly once.
        Map<String, List<Stores.StoredEvent>> storedByClientId = stored.stream()
                .filter(e -> e.clientMessageId() != null)
                .collect(Collectors.groupingBy(Stores.StoredEvent::clientMessageId));
        List<Poster.PostState> posts = new ArrayList<>(poster.posts.values());
        List<Poster.PostState> acked = posts.stream().filter(Poster.PostState::acked).toList();
        int gaveUp = (int) posts.stream().filter(p -> "gave up".equals(p.outcome)).count();
        List<Poster.PostState> refusedPosts = posts.stream()
                .filter(p -> p.outcome != null && p.outcome.startsWith("refused")).toList();
        int storedLost = 0;
        int storedDuplicated = 0;
        for (Poster.PostState post : acked) {
            int count = storedByClientId.getOrDefault(post.clientMessageId, List.of()).size();
            if (count == 0) {
                storedLost++;
            } else if (count > 1) {
                storedDuplicated += count - 1;
            }
        }
        if (gaveUp > 0) {
            failures.add(gaveUp + " posts never got a 2xx within " + settings.giveUpAfter());
        }
        if (!refusedPosts.isEmpty()) {
            failures.add(refusedPosts.size() + " posts refused, e.g. " + refusedPosts.get(0).outcome);
        }
        if (storedLost > 0) {
            failures.add(storedLost + " acked posts are not stored");
        }
        if (storedDuplicated > 0) {
            failures.add(storedDuplicated + " acked posts are stored more than once");
        }

        // Kafka: every stored event of the conversations, once, in seq order (per room, in partition order).
        Map<String, Set<Long>> expectedByRoom = new LinkedHashMap<>();
        for (String stream : streams) {
            expectedByRoom.put(stream, new TreeSet<>());
        }
        stored.forEach(e -> expectedByRoom.get(e.streamId()).add(e.version()));
        Set<String> ackedRoomSeqs = new HashSet<>();
        Map<String, String> clientIdByRoomSeq = new HashMap<>();
        for (Poster.PostState post : acked) {
            for (Stores.StoredEvent e : storedByClientId.getOrDefault(post.clientMessageId, List.of())) {
                ackedRoomSeqs.add(e.streamId() + "#" + e.version());
                clientIdByRoomSeq.put(e.streamId() + "#" + e.version(), post.clientMessageId);
            }
        }
        Counts kafkaCounts = new Counts();
        Map<String, Set<String>> ceIdsByRoomSeq = new HashMap<>();
        int onKafka = 0;
        for (String room : streams) {
            List<KafkaLog.Entry> records = chatLog.room(room);
            Counts counts = Counts.of(records.stream().map(KafkaLog.Entry::seq).toList(), expectedByRoom.get(room));
            kafkaCounts.add(counts);
            for (KafkaLog.Entry record : records) {
                ceIdsByRoomSeq.computeIfAbsent(room + "#" + record.seq(), k -> new HashSet<>()).add(record.id());
            }
            onKafka += (int) records.stream().map(r -> room + "#" + r.seq()).distinct()
                    .filter(ackedRoomSeqs::contains).count();
        }
        if (kafkaCounts.lost > 0) {
            failures.add(kafkaCounts.lost + " stored events are not on chat.events");
        }
        if (kafkaCounts.reordered > 0) {
            failures.add(kafkaCounts.reordered + " records on chat.events came after a higher seq of their room");
        }
        // The members' inboxes (user:<sub>, notification-service's streams) on notification.events: the same rules.
        List<String> inboxStreams = members.stream().map(member -> "user:" + member).toList();
        Map<String, Set<Long>> inboxVersions = new HashMap<>();
        inboxStreams.forEach(stream -> inboxVersions.put(stream, new TreeSet<>()));
        Stores.events(notificationJdbc, pgUser, inboxStreams)
                .forEach(e -> inboxVersions.get(e.streamId()).add(e.version()));
        for (String room : inboxStreams) {
            Counts counts = Counts.of(notificationLog.room(room).stream().map(KafkaLog.Entry::seq).toList(),
                    inboxVersions.get(room));
            kafkaCounts.add(counts);
            if (counts.lost > 0 || counts.reordered > 0) {
                failures.add(room + " on notification.events: " + counts + "; " + aroundFirstReorder(
                        notificationLog.room(room), notificationJdbc, pgUser, room));
            }
        }
        // Duplicates on Kafka are reported, not failed: the relay's documented contract is at least once.

        // The wire: every client gets every stored event of each conversation once and in seq order, and every
        // notification of its inbox (user:<sub>) once and in seq order.
        List<Stores.Notification> notifications = Stores.notifications(notificationJdbc, pgUser, members);
        Map<String, Integer> seenPerClient = new LinkedHashMap<>();
        Counts wire = new Counts();
        int incompleteResumes = 0;
        for (EdgeClient client : clients) {
            List<WireClient.Frame> frames = client.frames();
            Map<String, List<Long>> seqsByRoom = frames.stream().collect(Collectors.groupingBy(WireClient.Frame::room,
                    LinkedHashMap::new, Collectors.mapping(WireClient.Frame::seq, Collectors.toList())));
            for (String room : streams) {
                Counts counts = Counts.of(seqsByRoom.getOrDefault(room, List.of()), expectedByRoom.get(room));
                wire.add(counts);
                if (!counts.clean()) {
                    failures.add(client.label() + " in " + room + ": " + counts);
                }
            }
            Set<Long> inbox = notifications.stream().filter(n -> n.userId().equals(client.user()))
                    .map(Stores.Notification::seq).collect(Collectors.toCollection(TreeSet::new));
            String userRoom = "user:" + client.user();
            List<Long> userSeqs = seqsByRoom.getOrDefault(userRoom, List.of()).stream().filter(s -> s >= 0).toList();
            Counts inboxCounts = Counts.of(userSeqs, inbox);
            // The user room carries more than notification:new (read markers...): only the notifications are
            // required, every seq it did deliver must still come once and in order.
            wire.add(inboxCounts);
            if (!inboxCounts.clean()) {
                failures.add(client.label() + " in " + userRoom + ": " + inboxCounts);
            }
            Set<String> seen = frames.stream().map(f -> f.room() + "#" + f.seq()).collect(Collectors.toSet());
            seenPerClient.put(client.label(), (int) ackedRoomSeqs.stream().filter(seen::contains).count());
            incompleteResumes += client.incompleteResumes();
            List<String> problems = client.problems();
            if (!problems.isEmpty()) {
                failures.add(client.label() + " (" + client.connections() + " connections) saw: "
                        + problems.subList(0, Math.min(3, problems.size())));
            }
        }

        // Inboxes: one notification per stored message for each member but the author.
        Map<String, Set<String>> sourcesByUser = notifications.stream().collect(Collectors.groupingBy(
                Stores.Notification::userId, Collectors.mapping(Stores.Notification::sourceEventId,
                        Collectors.toSet())));
        List<Stores.StoredEvent> messages = stored.stream().filter(e -> e.clientMessageId() != null).toList();
        int notificationsExpected = messages.size() * members.size();
        int notificationsLost = 0;
        for (String member : members) {
            Set<String> sources = sourcesByUser.getOrDefault(member, Set.of());
            for (Stores.StoredEvent message : messages) {
                Set<String> ids = new HashSet<>(ceIdsByRoomSeq.getOrDefault(
                        message.streamId() + "#" + message.version(), Set.of()));
                ids.add(message.eventId());
                if (ids.stream().noneMatch(sources::contains)) {
                    notificationsLost++;
                }
            }
        }
        if (notificationsLost > 0) {
            failures.add(notificationsLost + " of " + notificationsExpected + " notifications missing from inboxes");
        }

        // Recovery: from the end of each fault to the first frame, per client, of a post first sent after it.
        Map<String, Double> recovery = new LinkedHashMap<>();
        Map<String, Poster.PostState> postsByClientId = posts.stream()
                .collect(Collectors.toMap(p -> p.clientMessageId, Function.identity(), (x, y) -> x));
        for (EdgeClient client : clients) {
            double worst = 0;
            for (Injection injection : injections) {
                double seconds = Double.POSITIVE_INFINITY;
                for (WireClient.Frame frame : client.frames()) {
                    String clientId = clientIdByRoomSeq.get(frame.room() + "#" + frame.seq());
                    Poster.PostState post = clientId == null ? null : postsByClientId.get(clientId);
                    if (post != null && post.firstAttemptNanos >= injection.endNanos()) {
                        seconds = Math.min(seconds, (frame.receivedNanos() - injection.endNanos()) / 1e9);
                    }
                }
                worst = Math.max(worst, seconds);
            }
            recovery.put(client.label(), worst);
            if (worst > settings.recoveryBound().toSeconds()) {
                failures.add(client.label() + " not live again within " + settings.recoveryBound().toSeconds()
                        + " s of a fault's end (" + (Double.isInfinite(worst) ? "never" : String.format("%.1f s",
                        worst)) + ")");
            }
        }
        if (incompleteResumes > 0) {
            failures.add(incompleteResumes + " gaps signalled to clients (resumes answered complete=false, resyncs"
                    + " the SDK raised)");
        }
        boolean settled = kafkaCounts.lost == 0 && wire.lost == 0 && notificationsLost == 0;
        String faults = injections.stream().map(i -> String.format(Locale.ROOT, "%s (back in %.1f s)",
                i.fault().name(), (i.doneNanos() - i.endNanos()) / 1e9)).collect(Collectors.joining(", "));
        int retried = (int) acked.stream().filter(post -> post.attempts > 1).count();
        double slowestAck = acked.stream().mapToLong(post -> post.ackNanos - post.firstAttemptNanos).max().orElse(0)
                / 1e9;
        return new Result(name, faults.isEmpty() ? "none" : faults, poster.started(), acked.size(), retried,
                slowestAck, gaveUp,
                refusedPosts.size(), storedLost, storedDuplicated, onKafka, kafkaCounts.lost,
                kafkaCounts.duplicated, kafkaCounts.reordered, seenPerClient, wire.lost, wire.duplicated,
                wire.reordered, notificationsExpected, notificationsLost, incompleteResumes, recovery, settled,
                failures);
    }

    /**
     * Lost, duplicated and reordered of one delivery order against the expected seqs: a duplicate is any repeat of a
     * seq; reordered, a first delivery of a seq after a higher one.
     */
    static final class Counts {
        int lost;
        int duplicated;
        int reordered;
        final List<String> examples = new ArrayList<>();

        static Counts of(List<Long> delivered, Set<Long> expected) {
            Counts counts = new Counts();
            Set<Long> seen = new HashSet<>();
            long highest = Long.MIN_VALUE;
            for (long seq : delivered) {
                if (!seen.add(seq)) {
                    counts.duplicated++;
                    counts.example("seq " + seq + " again after " + highest);
                    continue;
                }
                if (seq < highest) {
                    counts.reordered++;
                    counts.example("seq " + seq + " after " + highest);
                }
                highest = Math.max(highest, seq);
            }
            List<Long> missing = expected.stream().filter(seq -> !seen.contains(seq)).toList();
            counts.lost = missing.size();
            if (!missing.isEmpty()) {
                counts.example("missing " + missing.subList(0, Math.min(5, missing.size())));
            }
            return counts;
        }

        private void example(String text) {
            if (examples.size() < 3) {
                examples.add(text);
            }
        }

        void add(Counts other) {
            lost += other.lost;
            duplicated += other.duplicated;
            reordered += other.reordered;
        }

        boolean clean() {
            return lost == 0 && duplicated == 0 && reordered == 0;
        }

        @Override
        public String toString() {
            return "lost " + lost + ", duplicated " + duplicated + ", reordered " + reordered
                    + (examples.isEmpty() ? "" : " " + examples);
        }
    }

    /** For a failure message: the records around the first one that came after a higher seq, and their rows. */
    private static String aroundFirstReorder(List<KafkaLog.Entry> records, String jdbcUrl, String pgUser,
            String room) {
        long highest = Long.MIN_VALUE;
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).seq() < highest) {
                List<KafkaLog.Entry> around = records.subList(Math.max(0, i - 3), Math.min(records.size(), i + 3));
                long from = around.stream().mapToLong(KafkaLog.Entry::seq).min().orElse(0);
                return "on Kafka " + around.stream().map(e -> "p" + e.partition() + "@" + e.offset() + " seq "
                        + e.seq() + " id " + e.id()).collect(Collectors.joining(", ")) + "; stored"
                        + Stores.describe(jdbcUrl, pgUser, room, from, 6);
            }
            highest = Math.max(highest, records.get(i).seq());
        }
        return "no reorder";
    }

    /** Random moments for the soak mode. */
    static Random random() {
        return new Random(Long.getLong("faults.seed", System.nanoTime()));
    }

    @Override
    public void close() {
        if (poster != null) {
            poster.close();
        }
        clients.forEach(EdgeClient::close);
        if (chatLog != null) {
            chatLog.close();
        }
        if (notificationLog != null) {
            notificationLog.close();
        }
    }
}
