package dev.realtime.launcher;

import java.util.Arrays;
import java.util.Optional;

/** The Quarkus services of the system, each started from its module's packaged {@code quarkus-run.jar}. */
public enum StackService {
    CHAT("chat-service", true),
    ACTIVITY("activity-service", true),
    NOTIFICATION("notification-service", true),
    // Last: it reads the memberships the others publish and serves the browsers.
    EDGE("realtime-edge", false);

    private final String module;
    private final boolean needsDatabase;

    StackService(String module, boolean needsDatabase) {
        this.module = module;
        this.needsDatabase = needsDatabase;
    }

    /** The Maven module directory (also the name of its log file). */
    public String module() {
        return module;
    }

    public boolean needsDatabase() {
        return needsDatabase;
    }

    /** Accepts the module name ({@code chat-service}) or the short name ({@code chat}, {@code edge}). */
    public static Optional<StackService> byName(String name) {
        String wanted = name.trim().toLowerCase();
        return Arrays.stream(values())
                .filter(s -> s.module.equals(wanted) || s.name().toLowerCase().equals(wanted))
                .findFirst();
    }
}
