package dev.realtime.servicekit;

import dev.realtime.testkit.PackageRules;
import org.junit.jupiter.api.Test;

/** Imports go one way between this module's packages (the rules: testkit's {@link PackageRules}). */
class PackageRulesTest {

    @Test
    void packagesDependOneWay() {
        PackageRules.check("dev.realtime.servicekit");
    }
}
