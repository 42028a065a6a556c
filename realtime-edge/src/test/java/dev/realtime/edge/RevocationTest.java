package dev.realtime.edge;

import static dev.realtime.edge.Edge.QUIET;
import static dev.realtime.edge.Edge.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.realtime.contracts.events.IntegrationEvent;
import dev.realtime.contracts.events.Topics;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class RevocationTest {
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
    void revokedMembershipUnsubscribesAtOnceAndStopsDelivery() {
        Room conversation = Room.conversation(Edge.unique("c"));
        String frank = Edge.unique("frank");
        String grace = Edge.unique("grace");
        Edge.grant(conversation, frank);
        Edge.grant(conversation, grace);
        await().atMost(WAIT).until(() -> index.isMember(conversation, frank) && index.isMember(conversation, grace));

        try (WsTestClient leaving = Edge.connect(ws, frank);
                WsTestClient staying = Edge.connect(ws, grace)) {
            assertEquals("ack", Edge.subscribeAndAwait(leaving, "s", conversation.name()).path("type").asText());
            assertEquals("ack", Edge.subscribeAndAwait(staying, "s", conversation.name()).path("type").asText());
            IntegrationEvent before = Edge.message(conversation, 1, grace, "before");
            Edge.publish(Topics.CHAT_EVENTS, before);
            leaving.await(Edge.eventWithId(before.id()), WAIT);
            staying.await(Edge.eventWithId(before.id()), WAIT);

            Edge.revoke(conversation, frank);

            JsonNode unsubscribed = leaving.awaitType("unsubscribed", WAIT);
            assertEquals(conversation.name(), unsubscribed.path("room").asText());
            assertEquals("membership.revoked", unsubscribed.path("reason").asText());

            IntegrationEvent after = Edge.message(conversation, 2, grace, "after");
            Edge.publish(Topics.CHAT_EVENTS, after);
            staying.await(Edge.eventWithId(after.id()), WAIT);
            leaving.assertNone(Edge.eventFor(conversation), QUIET);

            JsonNode again = Edge.subscribeAndAwait(leaving, "again", conversation.name());
            assertEquals("room.not_found", again.path("code").asText());
        }
    }
}
