package dev.realtime.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.testkit.HttpLimitChecks;
import dev.realtime.testkit.InvalidIdentities;
import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import dev.realtime.testkit.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Requests past the HTTP limits get their status with a problem+json body, and change nothing. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class RequestLimitsTest {
    @TestHTTPResource("/api/projects")
    URI projects;

    @Test
    void aBodyOverTheLimitIs413WithAProblemAndCreatesNothing() {
        long before = InvalidIdentities.count("select count(*) from es_events");
        HttpLimitChecks.assertBodyTooLarge(projects, Tokens.accessToken(ActivityFixtures.unique("alice")),
                2 * 1024 * 1024);
        assertEquals(before, InvalidIdentities.count("select count(*) from es_events"));
    }

    @Test
    void aRequestLineOverTheLimitIs414WithAProblem() {
        HttpLimitChecks.assertUriTooLong(projects, Tokens.accessToken(ActivityFixtures.unique("alice")), 8 * 1024);
    }

    @Test
    void headersOverTheLimitAre431WithAProblem() {
        HttpLimitChecks.assertHeadersTooLarge(projects, Tokens.accessToken(ActivityFixtures.unique("alice")),
                32 * 1024);
    }
}
