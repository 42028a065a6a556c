package dev.realtime.oidc.tokencache;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.realtime.testkit.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A service with quarkus-oidc and this module, called with real signed tokens from the OIDC test server. */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class TokenCacheTest {
    @Inject
    MeterRegistry registry;

    @Test
    void theSecondRequestWithATokenIsServedFromTheCacheWithTheSameIdentity() {
        String token = Tokens.accessToken(unique("alice"), "user");
        double hits = gets("hit");
        double misses = gets("miss");

        call(token, "first").statusCode(200).body("fromCache", equalTo(false))
                .body("name", equalTo(Tokens.claims(token).path("sub").asText()));
        assertEquals(misses + 1, gets("miss"), "the first request verifies the token");
        assertEquals(hits, gets("hit"));

        call(token, "second").statusCode(200).body("fromCache", equalTo(true))
                .body("name", equalTo(Tokens.claims(token).path("sub").asText()))
                .body("username", equalTo(Tokens.claims(token).path("preferred_username").asText()))
                .body("roles", contains("user"));
        assertEquals(hits + 1, gets("hit"), "the second request is answered from the cache");
        assertEquals(misses + 1, gets("miss"));
    }

    @Test
    void aCachedIdentityBelongsToTheRequestThatUsesItNotToTheOneThatVerifiedIt() {
        String token = Tokens.accessToken(unique("carol"));
        call(token, "verifying request").statusCode(200).body("requestTag", equalTo("verifying request"))
                .body("fromCache", equalTo(false));
        call(token, "later request").statusCode(200).body("requestTag", equalTo("later request"))
                .body("fromCache", equalTo(true));
    }

    @Test
    void usersTakingTurnsEachGetTheirOwnIdentity() {
        String alice = unique("alice");
        String bob = unique("bob");
        String aliceToken = Tokens.accessToken(alice);
        String bobToken = Tokens.accessToken(bob);
        for (int round = 0; round < 3; round++) {
            call(aliceToken, "a" + round).statusCode(200).body("name", equalTo(alice))
                    .body("requestTag", equalTo("a" + round)).body("fromCache", equalTo(round > 0));
            call(bobToken, "b" + round).statusCode(200).body("name", equalTo(bob))
                    .body("requestTag", equalTo("b" + round)).body("fromCache", equalTo(round > 0));
        }
    }

    @Test
    void rolesFromTheCacheAreEnforcedLikeVerifiedOnes() {
        String admin = unique("admin");
        String adminToken = Tokens.accessToken(admin, "admin");
        String userToken = Tokens.accessToken(unique("user"), "user");
        for (int attempt = 0; attempt < 2; attempt++) {
            given().auth().oauth2(adminToken).get("/caller/admin").then().statusCode(200).body(equalTo("admin " + admin));
            given().auth().oauth2(userToken).get("/caller/admin").then().statusCode(403);
        }
    }

    @Test
    void aTokenIsRefusedOnceItExpiresEvenThoughItWasCached() throws InterruptedException {
        String token = Tokens.accessToken(unique("dave"), Duration.ofSeconds(3));
        call(token, "1").statusCode(200);
        call(token, "2").statusCode(200);
        long expiresAtMillis = Tokens.claims(token).path("exp").asLong() * 1000;
        Thread.sleep(Math.max(0, expiresAtMillis - System.currentTimeMillis()) + 1_000);
        double hits = gets("hit");
        call(token, "3").statusCode(401);
        assertEquals(hits, gets("hit"), "an expired token is never served from the cache");
    }

    @Test
    void aTamperedCopyOfACachedTokenIsRefused() {
        String token = Tokens.accessToken(unique("erin"), "user");
        call(token, "valid").statusCode(200);
        call(token, "valid again").statusCode(200);

        String[] parts = token.split("\\.");
        String forgedSignature = parts[0] + "." + parts[1] + "." + flipMiddleCharacter(parts[2]);
        call(forgedSignature, "forged signature").statusCode(401);

        String otherClaims = Tokens.accessToken(unique("mallory"), "admin").split("\\.")[1];
        String forgedClaims = parts[0] + "." + otherClaims + "." + parts[2];
        call(forgedClaims, "forged claims").statusCode(401);
        given().auth().oauth2(forgedClaims).get("/caller/admin").then().statusCode(401);
    }

    @Test
    void aRequestWithoutATokenIsStillRefused() {
        given().get("/caller").then().statusCode(401);
        given().header("Authorization", "Bearer not-a-jwt").get("/caller").then().statusCode(401);
    }

    private static ValidatableResponse call(String token, String tag) {
        return given().auth().oauth2(token).header("X-Request-Tag", tag).get("/caller").then();
    }

    private double gets(String result) {
        var counter = registry.find("cache.gets").tag("cache", "oidc-token-cache").tag("result", result).functionCounter();
        return counter == null ? 0 : counter.count();
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A character in the middle: the last one of a base64url signature may only carry padding bits. */
    private static String flipMiddleCharacter(String signature) {
        int middle = signature.length() / 2;
        char flipped = signature.charAt(middle) == 'A' ? 'B' : 'A';
        return signature.substring(0, middle) + flipped + signature.substring(middle + 1);
    }
}
