package dev.realtime.oidc.tokencache;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.testkit.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code max-age} bounds how long a verification is trusted, whatever the token's own lifetime. */
@QuarkusTest
@TestProfile(TokenCacheMaxAgeTest.ShortMaxAge.class)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class TokenCacheMaxAgeTest {
    public static class ShortMaxAge implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("realtime.oidc.token-cache.max-age", "1s");
        }
    }

    @Inject
    MeterRegistry registry;

    @Test
    void aTokenIsVerifiedAgainOnceMaxAgeHasPassed() throws InterruptedException {
        String token = Tokens.accessToken("frank", "user");
        double misses = gets("miss");
        long start = System.nanoTime();
        given().auth().oauth2(token).get("/caller").then().statusCode(200);
        given().auth().oauth2(token).get("/caller").then().statusCode(200);
        long secondAnswered = System.nanoTime();
        // The verification is kept from some moment within the first request until max-age (1 s) later. Both requests
        // within 1 s: the second was served from memory. On a machine so slow that they span more than 1 s, the second
        // may have been verified again.
        long maxAge = Duration.ofSeconds(1).toNanos();
        double verifications = gets("miss") - misses;
        if (secondAnswered - start < maxAge) {
            assertEquals(1, verifications, "verified once");
        } else {
            assertTrue(verifications == 1 || verifications == 2, "verified once, or again after max-age: " + verifications);
        }
        misses = gets("miss");

        Thread.sleep(1_500);
        given().auth().oauth2(token).get("/caller").then().statusCode(200);
        assertEquals(misses + 1, gets("miss"), "verified again after max-age");
    }

    private double gets(String result) {
        var counter = registry.find("cache.gets").tag("cache", "oidc-token-cache").tag("result", result).functionCounter();
        return counter == null ? 0 : counter.count();
    }
}
