package dev.realtime.contracts;

import static dev.realtime.contracts.GoldenPayloadTest.assertGolden;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.realtime.contracts.activity.ActivityNew;
import dev.realtime.contracts.activity.Actor;
import dev.realtime.contracts.activity.MemberChanged;
import dev.realtime.contracts.activity.ProjectChanged;
import dev.realtime.contracts.activity.ProjectCreated;
import dev.realtime.contracts.events.Json;
import dev.realtime.contracts.records.Target;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The activity-service payloads on {@code activity.events}, written and read as the golden files show them. */
class ActivityGoldenPayloadTest {
    static final Actor ANA = new Actor("ana", "Ana Lima");

    @Test
    void activityNew() throws IOException {
        ObjectNode details = Json.mapper().createObjectNode().put("commentId", "cm-3").put("excerpt", "Love the bridge");
        assertGolden("activity-new.v1.json", new ActivityNew("0f9a8c3e-5b1d-4e2a-9c77-1d2e3f4a5b6c", "p-7",
                "comment:created", ANA, new Target("track", "t-7", "Track 7",
                        "https://app.example.test/projects/p-7/tracks/t-7"),
                Instant.parse("2026-11-22T10:15:30.123Z"), details), ActivityNew.class);
    }

    @Test
    void memberJoined() throws IOException {
        assertGolden("member-joined.v1.json", new MemberChanged("6b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8", "p-7",
                "Summer EP", "bob", "member", ANA, Instant.parse("2026-11-22T10:00:05Z")), MemberChanged.class);
    }

    @Test
    void projectCreatedAndRenamed() throws IOException {
        assertGolden("project-created.v1.json", new ProjectCreated("p-7", "Summer EP", ANA,
                Instant.parse("2026-11-22T10:00:00Z")), ProjectCreated.class);
        assertGolden("project-renamed.v1.json", new ProjectChanged("p-7", "Summer EP (final)", false, ANA,
                Instant.parse("2026-11-22T12:00:00Z")), ProjectChanged.class);
    }
}
