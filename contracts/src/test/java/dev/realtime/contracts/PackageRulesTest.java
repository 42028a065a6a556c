package dev.realtime.contracts;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * No cycle between the contract's packages: {@code events} (the envelope) and {@code rooms} at the bottom, each
 * producer's types above them, {@code live} and {@code history} on top. testkit's {@code PackageRules} checks the
 * other modules; it depends on contracts, so contracts keeps this one rule of its own.
 */
class PackageRulesTest {

    @Test
    void packagesHaveNoCycle() {
        slices().matching("dev.realtime.contracts.(*)..").should().beFreeOfCycles()
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                        .importPackages("dev.realtime.contracts"));
    }
}
