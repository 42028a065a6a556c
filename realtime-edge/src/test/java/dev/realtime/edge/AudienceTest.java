package dev.realtime.edge;

import static dev.realtime.edge.Edge.QUIET;
import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
import dev.realtime.contracts.records.Audience;
import dev.realtime.contracts.records.RecordEventTypes;
import dev.realtime.contracts.rooms.Room;
import dev.realtime.edge.memberships.MembershipIndex;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.WsTestClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Record changes reach their audience, and every delivered type has its live name. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class AudienceTest {
    @TestHTTPResource("/ws")
    URI http;
    @Inject
    MembershipIndex index;

    URI ws;

    @BeforeEach
    void ready() {
        ws = Edge.wsUri(http);
        Edge.awaitReady();
    }

    @Test
    void recordChangeForUsersReachesThoseUsersAndNobodyElse() {
        String bob = Edge.unique("bob");
        String carol = Edge.unique("carol");
        try (WsTestClient bobClient = Edge.connect(ws, bob);
                WsTestClient carolClient = Edge.connect(ws, carol)) {
            // The ce_room is only the Kafka key when there is an audience: carol's room must not matter.
            IntegrationEvent change = Edge.recordChanged(Room.user(carol), Audience.ofUsers(bob));
            Edge.publish(Topics.RECORDS_EVENTS, change);

            JsonNode frame = bobClient.await(Edge.eventWithId(change.id()), WAIT);
            assertEquals("record:changed", frame.path("event").asText());
            assertEquals("user:" + bob, frame.path("room").asText());
            assertEquals("invoice", frame.path("data").path("record").path("type").asText());
            assertFalse(frame.has("seq"));
            carolClient.assertNone(Edge.eventWithId(change.id()), QUIET);
        }
    }

    @Test
    void recordChangeForARoleReachesOnlyUsersWithThatRoleOncePerConnection() {
        String admin = Edge.unique("ada");
        String user = Edge.unique("uma");
        try (WsTestClient adminClient = Edge.connect(ws, admin, "admin");
                WsTestClient userClient = Edge.connect(ws, user, "user")) {
            // ada is named twice (as a user and through her role) and still gets it once.
            IntegrationEvent change = Edge.recordChanged(Room.ALL,
                    new Audience(List.of(admin), List.of("admin"), false));
            IntegrationEvent marker = Edge.recordChanged(Room.ALL, Audience.ofRoles("admin", "user"));
            Edge.publish(Topics.RECORDS_EVENTS, change);
            Edge.publish(Topics.RECORDS_EVENTS, marker);

            adminClient.await(Edge.eventWithId(change.id()), WAIT);
            adminClient.await(Edge.eventWithId(marker.id()), WAIT);
            userClient.await(Edge.eventWithId(marker.id()), WAIT);
            // Same key, same partition: the marker came after the change, so no copy of it is still on its way.
            assertEquals(1, adminClient.received().stream().filter(Edge.eventWithId(change.id())).count());
            assertFalse(userClient.received().stream().anyMatch(Edge.eventWithId(change.id())));
        }
    }

    @Test
    void recordChangeForAllReachesEveryoneAndWithoutAudienceItsRoom() {
        String one = Edge.unique("one");
        String two = Edge.unique("two");
        try (WsTestClient first = Edge.connect(ws, one);
                WsTestClient second = Edge.connect(ws, two, "ops")) {
            IntegrationEvent everyone = Edge.recordChanged(Room.role("ops"), Audience.everyone());
            Edge.publish(Topics.RECORDS_EVENTS, everyone);
            assertEquals("all", first.await(Edge.eventWithId(everyone.id()), WAIT).path("room").asText());
            assertEquals("all", second.await(Edge.eventWithId(everyone.id()), WAIT).path("room").asText());

            IntegrationEvent toOps = Edge.recordChanged(Room.role("ops"), null);
            Edge.publish(Topics.RECORDS_EVENTS, toOps);
            assertEquals("role:ops", second.await(Edge.eventWithId(toOps.id()), WAIT).path("room").asText());
            first.assertNone(Edge.eventWithId(toOps.id()), QUIET);
        }
    }

    @Test
    void notificationRequestsAreForNotificationServiceNotForBrowsers() {
        String dora = Edge.unique("dora");
        try (WsTestClient client = Edge.connect(ws, dora)) {
            Room own = Room.user(dora);
            IntegrationEvent request = Edge.event(own, RecordEventTypes.NOTIFICATION_REQUESTED.ceType(), null,
                    Map.of("title", "import finished", "audience", Map.of("users", List.of(dora))));
            IntegrationEvent marker = Edge.event(own, "notification.notification.new.v1", 1L, Map.of("title", "x"));
            Edge.publish(Topics.RECORDS_EVENTS, request);
            Edge.publish(Topics.RECORDS_EVENTS, marker);
            client.await(Edge.eventWithId(marker.id()), WAIT);
            assertFalse(client.received().stream().anyMatch(Edge.eventWithId(request.id())));
        }
    }

    @Test
    void activityAndNotificationTypesHaveTheirLiveNames() {
        Room project = Room.project(Edge.unique("p"));
        String erin = Edge.unique("erin");
        Edge.grant(project, erin);
        await().atMost(WAIT).until(() -> index.isMember(project, erin));
        try (WsTestClient client = Edge.connect(ws, erin)) {
            assertEquals("ack", Edge.subscribeAndAwait(client, "p", project.name()).path("type").asText());
            Map<String, String> expected = Map.of(
                    "activity.member.joined.v1", "member:joined",
                    "activity.member.role-changed.v1", "member:role-changed",
                    "activity.activity.new.v1", "activity:new",
                    "activity.project.renamed.v1", "project:renamed");
            long seq = 1;
            for (Map.Entry<String, String> type : expected.entrySet()) {
                IntegrationEvent event = Edge.event(project, type.getKey(), seq++, Map.of("projectId", project.id()));
                Edge.publish(Topics.ACTIVITY_EVENTS, event);
                assertEquals(type.getValue(), client.await(Edge.eventWithId(event.id()), WAIT).path("event").asText(),
                        type.getKey());
            }
            // Not in contracts yet: named by the convention <producer>.<entity>.<action>.v<N> → <entity>:<action>.
            Room own = Room.user(erin);
            IntegrationEvent created = Edge.event(own, "notification.notification.new.v1", 1L, Map.of("id", "n1"));
            IntegrationEvent read = Edge.event(own, "notification.notification.read.v1", 2L, Map.of("id", "n1"));
            Edge.publish(Topics.NOTIFICATION_EVENTS, created);
            Edge.publish(Topics.NOTIFICATION_EVENTS, read);
            assertEquals("notification:new", client.await(Edge.eventWithId(created.id()), WAIT).path("event").asText());
            assertEquals("notification:read", client.await(Edge.eventWithId(read.id()), WAIT).path("event").asText());
        }
    }

    @Test
    void aRecordChangeWithAMalformedAudienceIsSkippedAndCounted() {
        String finn = Edge.unique("finn");
        String invalid = "realtime_edge_events_invalid_total{topic=\"records.events\"}";
        double invalidBefore = Edge.counter(invalid);
        try (WsTestClient client = Edge.connect(ws, finn)) {
            IntegrationEvent bad = Edge.event(Room.user(finn), RecordEventTypes.RECORD_CHANGED.ceType(), null,
                    Map.of("change", "updated", "audience", Map.of("users", List.of("no spaces allowed", finn))));
            IntegrationEvent good = Edge.recordChanged(Room.user(finn), Audience.ofUsers(finn));
            Edge.publish(Topics.RECORDS_EVENTS, bad);
            Edge.publish(Topics.RECORDS_EVENTS, good);
            client.await(Edge.eventWithId(good.id()), WAIT);
            assertFalse(client.received().stream().anyMatch(Edge.eventWithId(bad.id())));
        }
        assertTrue(Edge.counter(invalid) > invalidBefore, "the skipped record is counted");
    }
}
