package dev.realtime.testkit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.realtime.contracts.history.RoomEventPage;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * What a room owner's events endpoint answers a read on a member's behalf ({@link RoomEventPage#ON_BEHALF_OF}),
 * the same checks for every owner: a history reader gets the member's page, and nobody else gets anything by
 * naming someone.
 */
public final class HistoryReaderChecks {
    /** The subject of the history reader's tokens: a service, not a member of any room. */
    public static final String READER = "history-reader-service";

    private HistoryReaderChecks() {
    }

    /**
     * {@code path} is a room's events endpoint whose room has events, {@code member} may read it and
     * {@code outsider} may not.
     */
    public static void onlyAHistoryReaderReadsForAMember(String path, String member, String outsider) {
        String reader = Tokens.accessToken(READER, RoomEventPage.READER_ROLE);
        // The member's page, as the member's own token gets it (its start: an owner may append meanwhile).
        ExtractableResponse<Response> own = given().auth().oauth2(Tokens.accessToken(member)).get(path)
                .then().statusCode(200).body("items", not(empty())).extract();
        given().auth().oauth2(reader).header(RoomEventPage.ON_BEHALF_OF, member).get(path)
                .then().statusCode(200)
                .body("items[0].seq", equalTo(own.path("items[0].seq")))
                .body("items[0].room", equalTo(own.path("items[0].room")))
                .body("items[0].event", equalTo(own.path("items[0].event")));
        // For someone who may not read the room, what that user's own token gets.
        given().auth().oauth2(Tokens.accessToken(outsider)).get(path)
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(reader).header(RoomEventPage.ON_BEHALF_OF, outsider).get(path)
                .then().statusCode(404).contentType("application/problem+json");
        // A name no token's sub could have: refused as bad input, naming the header.
        given().auth().oauth2(reader).header(RoomEventPage.ON_BEHALF_OF, "not a user:id").get(path)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo(RoomEventPage.ON_BEHALF_OF));
        // Without the header, the reader reads as itself: a member of nothing.
        given().auth().oauth2(reader).get(path)
                .then().statusCode(404).contentType("application/problem+json");
        // Without the role the header is refused, never ignored: from someone else, from a service with only the
        // services' role, even from the member naming itself.
        given().auth().oauth2(Tokens.accessToken(outsider)).header(RoomEventPage.ON_BEHALF_OF, member).get(path)
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(Tokens.accessToken(READER, "service")).header(RoomEventPage.ON_BEHALF_OF, member)
                .get(path).then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(Tokens.accessToken(member)).header(RoomEventPage.ON_BEHALF_OF, member).get(path)
                .then().statusCode(403).contentType("application/problem+json");
    }
}
