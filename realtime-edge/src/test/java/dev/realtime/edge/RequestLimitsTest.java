package dev.realtime.edge;

import dev.realtime.testkit.HttpLimitChecks;
import dev.realtime.testkit.KafkaTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Requests to the server API past the HTTP limits get their status with a problem+json body. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = SeededMembershipsResource.class, scope = TestResourceScope.GLOBAL)
class RequestLimitsTest {
    @TestHTTPResource("/api/v1/rooms/user:limits/events")
    URI publish;

    @Test
    void aBodyOverTheLimitIs413WithAProblem() {
        HttpLimitChecks.assertBodyTooLarge(publish, Edge.token(Edge.unique("svc"), "service"), 2 * 1024 * 1024);
    }

    @Test
    void aRequestLineOverTheLimitIs414WithAProblem() {
        HttpLimitChecks.assertUriTooLong(publish, Edge.token(Edge.unique("svc"), "service"), 8 * 1024);
    }

    @Test
    void headersOverTheLimitAre431WithAProblem() {
        HttpLimitChecks.assertHeadersTooLarge(publish, Edge.token(Edge.unique("svc"), "service"), 32 * 1024);
    }
}
