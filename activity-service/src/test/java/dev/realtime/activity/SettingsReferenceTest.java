package dev.realtime.activity;

import dev.realtime.testkit.SettingsReference;
import org.junit.jupiter.api.Test;

/** docs/settings.md lists this module's settings as the code declares them (testkit's {@link SettingsReference}). */
class SettingsReferenceTest {

    @Test
    void theSettingsReferenceMatchesTheCode() throws Exception {
        SettingsReference.check("activity-service", "dev.realtime.activity");
    }
}
