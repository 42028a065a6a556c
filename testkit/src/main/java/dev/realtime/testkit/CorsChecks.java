package dev.realtime.testkit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;

/**
 * What a browser sees of a REST service's CORS policy (preflight requests, as a browser sends them before a POST with
 * a bearer token), the same checks for every service.
 */
public final class CorsChecks {
    /** The demo app's origin, which the development defaults and the local stack allow. */
    public static final String DEMO_ORIGIN = "http://localhost:8090";

    private CorsChecks() {
    }

    /** The demo's origins (localhost and 127.0.0.1) may call {@code path}; another site may not. */
    public static void demoOriginAllowedOthersRefused(String path) {
        given().header("Origin", DEMO_ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options(path)
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", DEMO_ORIGIN)
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("authorization"))
                .header("Access-Control-Allow-Headers", containsString("content-type"))
                .header("Access-Control-Expose-Headers", "Retry-After,Location")
                .header("Access-Control-Max-Age", "600");
        given().header("Origin", "http://127.0.0.1:8090")
                .header("Access-Control-Request-Method", "GET")
                .options(path)
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://127.0.0.1:8090");
        refused(path, "http://evil.example.test");
    }

    /** No origin may call {@code path} from a browser, the demo's included (production without configured origins). */
    public static void noCrossOriginAllowed(String path) {
        for (String origin : List.of(DEMO_ORIGIN, "http://evil.example.test")) {
            refused(path, origin);
        }
    }

    private static void refused(String path, String origin) {
        given().header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options(path)
                .then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
    }
}
