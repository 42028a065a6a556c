package dev.realtime.servicekit.caller;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.realtime.testkit.Tokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The upgrade check of {@link OidcClaims}, on real requests with real signed tokens: the principal quarkus-oidc
 * builds for a verified bearer JWT is still the runtime class whose claims the kit reads directly, and the caller
 * a service sees is made of the token's claims either way.
 */
@QuarkusTest
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class OidcClaimsTest {

    @Test
    void theCallerIsReadFromTheTokensClaimsWithoutSmallryeJwtsSlowPath() {
        String user = "alice-" + UUID.randomUUID();
        String token = Tokens.accessToken(user, Map.of("name", "Alice Example", "email", "alice@example.org"));
        boolean direct = given().auth().oauth2(token).get("/caller").then().statusCode(200)
                .body("id", equalTo(user))
                .body("displayName", equalTo("Alice Example"))
                .body("nameClaim", equalTo("Alice Example"))
                .body("email", equalTo("alice@example.org"))
                .extract().jsonPath().getBoolean("readsClaimsDirectly");
        assertTrue(direct, "quarkus-oidc's principal of a verified bearer JWT is no longer "
                + "io.quarkus.oidc.runtime.OidcJwtCallerPrincipal: every claim is read through smallrye-jwt's "
                + "exception-per-unknown-claim path (adapt OidcClaims)");
    }

    @Test
    void withoutANameClaimTheDisplayNameIsThePreferredUsername() {
        String user = "bob-" + UUID.randomUUID();
        given().auth().oauth2(Tokens.accessToken(user)).get("/caller").then().statusCode(200)
                .body("displayName", equalTo(user))
                .body("nameClaim", equalTo("null"))
                .body("email", equalTo("null"));
    }
}
