package dev.realtime.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code ./local-stack.sh} runs the launcher on the classpath the build writes to {@code target/classpath.txt}: the
 * build itself must write it (so a first build, whatever its goal, fetches the plugin and the script then works
 * offline), with every runtime library the launcher needs, each present in the local repository.
 */
class LauncherClasspathTest {

    @Test
    void theBuildWritesTheLaunchersRuntimeClasspath() throws IOException {
        Path file = Path.of("target", "classpath.txt");
        assertTrue(Files.isRegularFile(file), file.toAbsolutePath() + " was not written by the build");
        List<String> entries = Arrays.asList(Files.readString(file).trim().split(File.pathSeparator));

        for (String library : List.of("contracts-", "kafka_2.13-", "greenmail-", "postgresql-", "jose4j-",
                "slf4j-simple-", "mock-oauth2-server-")) {
            assertTrue(entries.stream().anyMatch(entry -> Path.of(entry).getFileName().toString().startsWith(library)),
                    library + " missing from " + entries);
        }
        for (String entry : entries) {
            assertTrue(Files.exists(Path.of(entry)), entry + " does not exist");
            // JUnit 4 is there on purpose (the issuer's OkHttp MockWebServer is a JUnit 4 rule); the tests' JUnit 5 is not.
            assertTrue(!entry.contains("junit-jupiter") && !entry.contains("opentest4j"),
                    "a test library on the launcher's runtime classpath: " + entry);
        }
    }
}
