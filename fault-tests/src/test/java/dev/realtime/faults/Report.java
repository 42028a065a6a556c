package dev.realtime.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Collectors;

/** The per-fault table: printed to the log and appended to {@code target/fault-report.md}. */
final class Report {

    static final Path FILE = Path.of("target", "fault-report.md");
    private static final String HEADER = "| run | faults | posted | acked | retried / slowest ack s | gave up | stored lost/dup | on Kafka"
            + " (lost/dup/reord) | seen per client | lost | duplicated | reordered | notifications lost | incomplete"
            + " resumes | recovery s per client | verdict |";
    private static final String RULE = "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

    private static final StringBuilder FAILURES = new StringBuilder();

    private Report() {
    }

    static void begin(String title) {
        write(title + System.lineSeparator() + System.lineSeparator() + HEADER + System.lineSeparator() + RULE
                + System.lineSeparator(), false);
    }

    static String row(Scenario.Result r) {
        return "| " + r.name() + " | " + r.faults() + " | " + r.posted() + " | " + r.acked() + " | " + r.retried() + " / "
                + String.format(java.util.Locale.ROOT, "%.1f", r.slowestAckSeconds()) + " | " + r.gaveUp()
                + " | " + r.storedLost() + "/" + r.storedDuplicated() + " | " + r.onKafka() + " (" + r.kafkaLost()
                + "/" + r.kafkaDuplicated() + "/" + r.kafkaReordered() + ") | " + join(r.seenPerClient()) + " | "
                + r.wireLost() + " | " + r.wireDuplicated() + " | " + r.wireReordered() + " | "
                + r.notificationsLost() + "/" + r.notificationsExpected() + " | " + r.incompleteResumes() + " | "
                + r.recoverySeconds().entrySet().stream().map(e -> shortName(e.getKey()) + " " + seconds(e.getValue()))
                        .collect(Collectors.joining(", "))
                + " | " + (r.failures().isEmpty() ? "pass" : "**FAIL**") + " |";
    }

    /** Prints the table of one run with its failures, and appends its row (and failures) to the report file. */
    static void add(Scenario.Result result) {
        String row = row(result);
        StringBuilder log = new StringBuilder(System.lineSeparator()).append(HEADER).append(System.lineSeparator())
                .append(RULE).append(System.lineSeparator()).append(row).append(System.lineSeparator());
        result.failures().forEach(f -> log.append("  - ").append(f).append(System.lineSeparator()));
        System.out.println(log);
        write(row + System.lineSeparator(), true);
        result.failures().forEach(f -> FAILURES.append("- ").append(result.name()).append(": ").append(f)
                .append(System.lineSeparator()));
    }

    /** Appends what failed, run by run, under the table. */
    static void end() {
        write(System.lineSeparator() + (FAILURES.length() == 0 ? "Every check held." + System.lineSeparator()
                : "Failures:" + System.lineSeparator() + System.lineSeparator() + FAILURES), true);
    }

    private static String join(Map<String, Integer> perClient) {
        return perClient.entrySet().stream().map(e -> shortName(e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String shortName(String user) {
        int dash = user.lastIndexOf('-');
        return dash < 0 ? user : user.substring(dash + 1);
    }

    private static String seconds(double value) {
        return Double.isInfinite(value) ? "never" : String.format("%.1f", value);
    }

    private static void write(String text, boolean append) {
        try {
            Files.createDirectories(FILE.toAbsolutePath().getParent());
            Files.writeString(FILE, text, append
                    ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
                    : new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
