package dev.realtime.oidc.tokencache;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.testkit.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import java.lang.reflect.Field;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The upgrade check of {@link OidcInternals}: each fact about quarkus-oidc's internals the token cache relies on,
 * asserted by name on real requests with real signed tokens. When a Quarkus upgrade fails one of these, adapt
 * {@code OidcInternals} (and only it) before anything else: the cache's own tests would fail too, less clearly.
 */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class OidcInternalsTest {

    @Test
    void quarkusOidcLeavesTheResolvedTenantAndTheVerifyingTenantWhereTheCacheReadsThem() {
        String token = Tokens.accessToken("internals-" + UUID.randomUUID());
        JsonPath verified = internals(token);
        assertFalse(verified.getBoolean("fromCache"), "the first request is verified by quarkus-oidc itself");
        assertEquals("Default", verified.getString("resolvedTenant"), "quarkus-oidc no longer leaves the tenant it "
                + "resolved on the routing context under " + OidcInternals.RESOLVED_TENANT + " (or as another type): "
                + "the token cache would never serve a hit");
        assertEquals("Default", verified.getString("verifyingTenant"), "quarkus-oidc no longer marks the identity "
                + "with the id of the tenant that verified it: the token cache would keep nothing");
        assertFalse(verified.getBoolean("introspected"), "a signed JWT is verified locally, not introspected");
        assertFalse(verified.getBoolean("stepUpRequired"), "no step-up policy on a plain endpoint");

        assertTrue(internals(token).getBoolean("fromCache"), "the second request is served from the cache");
    }

    /**
     * {@code @AuthenticationContext} needs proactive authentication off, which none of this project's services runs
     * with, so the key is checked where quarkus-oidc defines it rather than on a request.
     */
    @Test
    void quarkusOidcStillKeepsAnEndpointsStepUpPolicyUnderTheKeyTheCacheLooksFor() throws Exception {
        Field key = Class.forName("io.quarkus.oidc.runtime.StepUpAuthenticationPolicy")
                .getDeclaredField("AUTHENTICATION_POLICY_KEY");
        key.setAccessible(true);
        assertEquals(OidcInternals.STEP_UP_POLICY, key.get(null), "quarkus-oidc keeps an @AuthenticationContext "
                + "policy under another routing-context key: the token cache would serve identities to step-up "
                + "endpoints without their acr check");
    }

    @Test
    void quarkusOidcRecognisesTheDpopScheme() {
        assertTrue(OidcInternals.dpopScheme("DPoP"), "OidcUtils.isDPoPScheme no longer recognises DPoP: "
                + "the token cache would reuse verifications of proof-bound tokens");
        assertFalse(OidcInternals.dpopScheme("Bearer"));
    }

    private static JsonPath internals(String token) {
        return given().auth().oauth2(token).get("/caller/oidc-internals").then().statusCode(200).extract().jsonPath();
    }
}
