package dev.realtime.notification;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.Tokens;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The digest e-mail of offline users (test profile: offline after 2 s, checked every 0.5 s, no minimum interval;
 * addresses {sub}@mail.test), through the mock mailbox.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class DigestEmailTest {

    @Inject
    MockMailbox mailbox;

    @Inject
    Pool database;

    @Test
    void anOfflineUserGetsOneDigestForTheSameNotificationsAndAnOnlineUserNone() {
        String alice = Sources.user("alice");
        String bob = Sources.user("bob");
        String conversation = Sources.id();
        announce(bob, 1);
        Sources.conversationCreated(conversation, "Weekly", alice, List.of(alice, bob), null);
        Sources.messageNew(Sources.message(conversation, alice, "agenda attached", List.of()));
        Inbox.awaitItems(bob, 2);
        // online: no e-mail while the connection is announced
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> mails(bob).isEmpty());

        announce(bob, 0);
        await().atMost(Duration.ofSeconds(15)).until(() -> mails(bob).size() == 1);
        Mail digest = mails(bob).get(0);
        assertEquals("2 unread notifications", digest.getSubject());
        assertTrue(digest.getText().contains("You were added to Weekly"), digest.getText());
        assertTrue(digest.getText().contains(alice.toUpperCase() + " in Weekly"), digest.getText());
        assertTrue(digest.getText().contains("/conversations/" + conversation), digest.getText());
        // never two for the same notifications
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> mails(bob).size() == 1);

        // a later notification while still offline: one more digest with only the new one
        Sources.messageNew(Sources.message(conversation, alice, "minutes", List.of()));
        await().atMost(Duration.ofSeconds(15)).until(() -> mails(bob).size() == 2);
        Mail second = mails(bob).get(1);
        assertEquals("1 unread notification: " + alice.toUpperCase() + " in Weekly", second.getSubject());
        assertTrue(!second.getText().contains("You were added"), second.getText());
        Inbox.staysAt(bob, 3, Duration.ofMillis(100));
    }

    @Test
    void readNotificationsAndEmailOffMeanNoDigest() {
        String alice = Sources.user("alice");
        String carol = Sources.user("carol");
        String dave = Sources.user("dave");
        announce(carol, 1);
        Sources.as(dave).body(Map.of("emailEnabled", false)).put("/api/notifications/preferences").then().statusCode(200);
        String conversation = Sources.id();
        Sources.conversationCreated(conversation, "Quiet", alice, List.of(alice, carol, dave), null);
        Inbox.awaitItems(carol, 1);
        Inbox.awaitItems(dave, 1);
        Sources.as(carol).post("/api/notifications/read-all").then().statusCode(200);
        Sources.presence(carol, 0);
        // both have been offline well past 2 s: carol has nothing unread, dave turned e-mail off
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8))
                .until(() -> mails(carol).isEmpty() && mails(dave).isEmpty());
    }

    @Test
    void quietHoursHoldTheDigestBackUntilTheyEnd() {
        String alice = Sources.user("alice");
        String gus = Sources.user("gus");
        java.time.LocalTime now = java.time.LocalTime.now(java.time.ZoneOffset.UTC);
        Map<String, Object> quiet = Map.of("start", now.minusHours(1).withSecond(0).withNano(0).toString(),
                "end", now.plusHours(1).withSecond(0).withNano(0).toString(), "timeZone", "UTC");
        Sources.as(gus).body(Map.of("emailEnabled", true, "quietHours", quiet)).put("/api/notifications/preferences")
                .then().statusCode(200);
        Sources.conversationCreated(Sources.id(), "Night shift", alice, List.of(alice, gus), null);
        Inbox.awaitItems(gus, 1);
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() -> mails(gus).isEmpty());
        // the quiet hours end (here: the user drops them): the held-back digest goes out
        Sources.as(gus).body(Map.of("emailEnabled", true)).put("/api/notifications/preferences").then().statusCode(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> mails(gus).size() == 1);
        assertEquals("1 unread notification: You were added to Night shift", mails(gus).get(0).getSubject());
    }

    @Test
    void theDigestGoesToTheEmailClaimSeenOnTheUsersCalls() throws Exception {
        String alice = Sources.user("alice");
        String erin = Sources.user("erin");
        String address = "erin.real-" + Sources.id() + "@corp.test";
        io.restassured.RestAssured.given().auth().oauth2(tokenWithEmail(erin, address))
                .get("/api/notifications").then().statusCode(200);
        Sources.conversationCreated(Sources.id(), "Claims", alice, List.of(alice, erin), null);
        await().atMost(Duration.ofSeconds(15)).until(() -> mailbox.getMailsSentTo(address).size() == 1);
        assertEquals("1 unread notification: You were added to Claims", mailbox.getMailsSentTo(address).get(0).getSubject());
        assertTrue(mails(erin).isEmpty());
    }

    /**
     * Announces the user's connections as an edge does, and waits until the service has recorded them. Presence comes
     * on realtime.signals, the notifications on chat.events: two partitions read by two consumers, with no order
     * between them. A digest is about what a user missed while offline, so the test starts from a known presence
     * instead of racing the signal against the notifications (on a loaded machine the signals consumer joined its
     * group after the notifications had been e-mailed).
     */
    private void announce(String user, int connections) {
        Sources.presence(user, connections);
        await().atMost(Inbox.WAIT).pollInterval(Duration.ofMillis(100)).until(() -> database
                .preparedQuery("select connections from nt_presence where user_id = $1 and instance_id = 'edge-test'")
                .execute(Tuple.of(user)).await().indefinitely()
                .stream().anyMatch(row -> row.getInteger(0) == connections));
    }

    /** A real signed token of the test OIDC server, with an {@code email} claim. */
    static String tokenWithEmail(String user, String email) {
        return Tokens.accessToken(user, Map.of("email", email));
    }

    private List<Mail> mails(String user) {
        return mailbox.getMailsSentTo(user + "@mail.test");
    }
}
