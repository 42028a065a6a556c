package dev.realtime.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** Small helpers shared by the suite. */
final class Faults {

    private Faults() {
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(Math.max(0, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** {@code 10m}, {@code 90s}, {@code 1h} or an ISO-8601 duration. */
    static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase();
        if (value.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase());
        }
        long amount = Long.parseLong(value.replaceAll("[a-z]+$", ""));
        if (value.endsWith("ms")) {
            return Duration.ofMillis(amount);
        }
        if (value.endsWith("h")) {
            return Duration.ofHours(amount);
        }
        if (value.endsWith("m")) {
            return Duration.ofMinutes(amount);
        }
        return Duration.ofSeconds(amount);
    }
}
