package dev.realtime.testkit;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Validly signed tokens whose identity every service must refuse at the door (docs/problems.md,
 * {@code /problems/invalid-identity}), and the checks of that refusal, the same for every service.
 */
public final class InvalidIdentities {
    public static final String PROBLEM_TYPE = "/problems/invalid-identity";

    /** Each sub the room grammar refuses as a user id ({@code Room.user}); null stands for a token without sub. */
    private static final Map<String, String> SUBJECTS = new LinkedHashMap<>();

    static {
        SUBJECTS.put("sub with ':'", "a:b");
        SUBJECTS.put("sub with a space", "a b");
        SUBJECTS.put("empty sub", "");
        SUBJECTS.put("sub of 129 characters", "x".repeat(129));
        SUBJECTS.put("no sub claim", null);
    }

    private InvalidIdentities() {
    }

    /** Label to token: one real, unexpired token of the test issuer per refused identity. */
    public static Map<String, String> tokens(String... roles) {
        return tokensNamed("odd-user", roles);
    }

    /**
     * Like {@link #tokens}, with {@code preferred_username} = {@code user}: a framework that compares principal names
     * (websockets-next on a token refresh) takes them for that user, so only the {@code sub} check can refuse them.
     */
    public static Map<String, String> tokensNamed(String user, String... roles) {
        Map<String, String> tokens = new LinkedHashMap<>();
        SUBJECTS.forEach((label, subject) -> tokens.put(label, Tokens.accessTokenWithSubject(user, subject, roles)));
        return tokens;
    }

    /** The subs of {@link #tokens}, without the missing one: for looking in the database for what they stored. */
    public static Iterable<String> presentSubjects() {
        return SUBJECTS.values().stream().filter(subject -> subject != null).toList();
    }

    /** 401, problem+json of type {@value #PROBLEM_TYPE}, and a bearer challenge; {@code label} names the case. */
    public static void assertRefused(Response response, String label) {
        try {
            response.then()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .header("WWW-Authenticate", startsWith("Bearer error=\"invalid_token\""))
                    .body("type", equalTo(PROBLEM_TYPE))
                    .body("status", equalTo(401))
                    .body("detail", not(emptyOrNullString()));
        } catch (AssertionError e) {
            throw new AssertionError(label + ": " + e.getMessage(), e);
        }
    }

    /** {@code select count(*) ...} with parameters, on the database of the service under test (its JDBC settings). */
    public static long count(String sql, Object... parameters) {
        Config config = ConfigProvider.getConfig();
        try (Connection connection = DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getOptionalValue("quarkus.datasource.username", String.class).orElse(null),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }
}
