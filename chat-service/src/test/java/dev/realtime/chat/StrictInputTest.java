package dev.realtime.chat;

import static dev.realtime.testkit.HostileInputs.NOT_JSON;
import static dev.realtime.testkit.HostileInputs.NOT_TEXT;
import static dev.realtime.testkit.HostileInputs.UNSTORABLE;
import static dev.realtime.testkit.HostileInputs.assertInvalidParameter;
import static dev.realtime.testkit.HostileInputs.assertMalformed;
import static dev.realtime.testkit.HostileInputs.assertUnstorable;
import static dev.realtime.chat.ChatFixtures.as;
import static dev.realtime.chat.ChatFixtures.conversation;
import static dev.realtime.chat.ChatFixtures.posted;
import static dev.realtime.chat.ChatFixtures.user;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.realtime.testkit.KafkaTestResource;
import dev.realtime.testkit.PostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import org.junit.jupiter.api.Test;

/**
 * Input the API cannot store or should not guess at is refused with a 400 naming the field or parameter, never a 500
 * nor a 404: text with U+0000 or an unpaired surrogate, scalars of the wrong JSON type, trailing garbage, a body that
 * is not JSON, query parameters that do not parse. Nothing is stored for a refused request.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.GLOBAL)
class StrictInputTest {
    @Test
    void unstorableTextInAnyStringOfABodyIs400NamingTheFieldAndNothingIsStored() {
        String alice = user("alice");
        String id = conversation(alice);
        String message = posted(alice, id, "original");

        for (String bad : UNSTORABLE) {
            assertUnstorable(as(alice).body("{\"text\":\"" + bad + "\"}").post("/api/conversations/{id}/messages", id), "text");
            assertUnstorable(as(alice).body("{\"text\":\"" + bad + "\"}")
                    .patch("/api/conversations/{id}/messages/{m}", id, message), "text");
            assertUnstorable(as(alice).body("{\"title\":\"" + bad + "\"}").post("/api/conversations"), "title");
            assertUnstorable(as(alice).body("{\"title\":\"" + bad + "\"}").patch("/api/conversations/{id}", id), "title");
            assertUnstorable(as(alice).body("{\"title\":\"ok\",\"participants\":[\"bob\",\"" + bad + "\"]}")
                    .post("/api/conversations"), "participants[1]");
            // a field the resource ignores is still a string of the body: the one rule covers them all
            assertUnstorable(as(alice).body("{\"text\":\"fine\",\"extra\":{\"note\":\"" + bad + "\"}}")
                    .post("/api/conversations/{id}/messages", id), "extra.note");
        }
        // so is a field name; one with a lone surrogate is refused by the JSON reader itself, as not JSON
        assertUnstorable(as(alice).body("{\"text\":\"fine\",\"extra\":{\"a\\u0000b\":1}}")
                .post("/api/conversations/{id}/messages", id), "extra.a\\u0000b");
        assertMalformed(as(alice).body("{\"text\":\"fine\",\"extra\":{\"a\\ud800b\":1}}")
                .post("/api/conversations/{id}/messages", id));

        as(alice).get("/api/conversations/{id}/messages", id).then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].text", equalTo("original"));
        as(alice).get("/api/conversations/{id}", id).then().statusCode(200).body("title", equalTo("Test " + alice));
        // a surrogate pair is text like any other, and so is a backslash followed by u0000
        as(alice).body("{\"text\":\"\\ud83c\\udfb8 \\\\u0000\"}").post("/api/conversations/{id}/messages", id).then()
                .statusCode(201).body("text", equalTo("\ud83c\udfb8 \\u0000"));
    }

    @Test
    void scalarsOfTheWrongTypeTrailingGarbageAndNonJsonAre400MalformedJson() {
        String alice = user("alice");
        String id = conversation(alice);
        String message = posted(alice, id, "original");

        for (String text : NOT_TEXT) {
            assertMalformed(as(alice).body("{\"text\":" + text + "}").post("/api/conversations/{id}/messages", id))
                    .body("errors[0].field", equalTo("text"));
            assertMalformed(as(alice).body("{\"text\":" + text + "}").patch("/api/conversations/{id}/messages/{m}", id, message))
                    .body("errors[0].field", equalTo("text"));
            assertMalformed(as(alice).body("{\"title\":" + text + "}").post("/api/conversations"))
                    .body("errors[0].field", equalTo("title"));
        }
        assertMalformed(as(alice).body("{\"title\":\"ok\",\"direct\":1}").post("/api/conversations"))
                .body("errors[0].field", equalTo("direct"));
        assertMalformed(as(alice).body("{\"title\":\"ok\",\"direct\":\"true\"}").post("/api/conversations"))
                .body("errors[0].field", equalTo("direct"));
        assertMalformed(as(alice).body("{\"text\":\"hi\"} xyz").post("/api/conversations/{id}/messages", id));
        assertMalformed(as(alice).body("{\"text\":\"hi\"}{\"text\":\"again\"}").post("/api/conversations/{id}/messages", id));
        assertMalformed(as(alice).body(NOT_JSON).post("/api/conversations/{id}/messages", id));
        assertMalformed(as(alice).body(NOT_JSON).post("/api/conversations"));

        as(alice).get("/api/conversations/{id}/messages", id).then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].text", equalTo("original"));
        as(alice).get("/api/conversations").then().statusCode(200).body("items", hasSize(1));
    }

    @Test
    void queryParametersThatDoNotParseAre400NamingTheParameter() {
        String alice = user("alice");
        String id = conversation(alice);
        posted(alice, id, "hello");
        String notALong = "9223372036854775808";

        assertInvalidParameter(as(alice).queryParam("limit", "abc").get("/api/conversations"), "limit");
        assertInvalidParameter(as(alice).queryParam("limit", "99999999999").get("/api/conversations"), "limit");
        assertInvalidParameter(as(alice).queryParam("archived", "maybe").get("/api/conversations"), "archived");
        assertInvalidParameter(as(alice).queryParam("before", "1 OR 1=1").get("/api/conversations"), "before");

        assertInvalidParameter(as(alice).queryParam("after", notALong).get("/api/conversations/{id}/events", id), "after");
        assertInvalidParameter(as(alice).queryParam("after", "x").get("/api/conversations/{id}/events", id), "after");
        assertInvalidParameter(as(alice).queryParam("limit", "1.5").get("/api/conversations/{id}/events", id), "limit");

        assertInvalidParameter(as(alice).queryParam("before", "1 OR 1=1").get("/api/conversations/{id}/messages", id), "before");
        assertInvalidParameter(as(alice).queryParam("before", notALong).get("/api/conversations/{id}/messages", id), "before");
        assertInvalidParameter(as(alice).queryParam("after", "x").get("/api/conversations/{id}/messages", id), "after");
        assertInvalidParameter(as(alice).queryParam("limit", "ten").get("/api/conversations/{id}/messages", id), "limit");

        // the same parameters, well formed, still work (and the range checks still name them)
        as(alice).queryParam("archived", "TRUE").queryParam("limit", "5").get("/api/conversations").then()
                .statusCode(200);
        // an empty value counts as absent (the default applies), as it did before
        as(alice).queryParam("archived", "").queryParam("limit", "").get("/api/conversations").then().statusCode(200);
        as(alice).queryParam("after", "0").queryParam("limit", "+2").get("/api/conversations/{id}/events", id).then()
                .statusCode(200).body("items", hasSize(2));
        assertInvalidParameter(as(alice).queryParam("limit", "0").get("/api/conversations/{id}/messages", id), "limit");
    }



}
