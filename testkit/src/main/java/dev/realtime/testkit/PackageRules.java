package dev.realtime.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

/**
 * The package rules every module keeps (ArchUnit), called from one small test per module: imports go one way.
 *
 * <ul>
 *   <li>No cycle between a module's packages ({@code dev.realtime.chat.domain} ↔ {@code dev.realtime.chat.store}
 *       was one).</li>
 *   <li>Layers of a service, top to bottom: {@code api} (resources) and the adapters ({@code messaging},
 *       {@code email}) → {@code domain} (services, rules) → {@code store} (queries, projections, entities) →
 *       {@code model} (the stored events and the values and pure rules both the domain and the projections apply).
 *       Nothing depends on {@code api}; {@code domain} not on the adapters; {@code store} not on {@code domain} or
 *       above; {@code model} on none of them.</li>
 * </ul>
 * A module without some of these packages simply has fewer rules that apply.
 */
public final class PackageRules {
    private static final String[] ADAPTERS = {"api", "messaging", "email"};

    private PackageRules() {
    }

    /** Checks the main (not test) classes under {@code basePackage}, e.g. {@code dev.realtime.chat}. */
    public static void check(String basePackage) {
        rules(basePackage).check(mainClasses(basePackage));
    }

    /** The module's own main classes under {@code basePackage} (not its tests, not jars); never none. */
    static JavaClasses mainClasses(String basePackage) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(basePackage);
        if (classes.isEmpty()) {
            throw new AssertionError("no classes of " + basePackage + " found: the check would check nothing");
        }
        return classes;
    }

    static ArchRule rules(String base) {
        return CompositeArchRule.of(slices().matching(base + ".(*)..").should().beFreeOfCycles()
                        .as("the packages of " + base + " have no cycle"))
                .and(noClasses().that().resideOutsideOfPackage(base + ".api..")
                        .should().dependOnClassesThat().resideInAPackage(base + ".api..")
                        .allowEmptyShould(true).as("nothing depends on " + base + ".api"))
                .and(noClasses().that().resideInAPackage(base + ".domain..")
                        .should().dependOnClassesThat().resideInAnyPackage(packages(base, ADAPTERS))
                        .allowEmptyShould(true).as(base + ".domain does not depend on the adapters"))
                .and(noClasses().that().resideInAPackage(base + ".store..")
                        .should().dependOnClassesThat().resideInAnyPackage(packages(base, "api", "messaging", "email", "domain"))
                        .allowEmptyShould(true).as(base + ".store does not depend on the domain or above"))
                .and(noClasses().that().resideInAPackage(base + ".model..")
                        .should().dependOnClassesThat().resideInAnyPackage(packages(base, "api", "messaging", "email", "domain", "store"))
                        .allowEmptyShould(true).as(base + ".model depends on no other layer"));
    }

    private static String[] packages(String base, String... names) {
        String[] packages = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            packages[i] = base + "." + names[i] + "..";
        }
        return packages;
    }
}
