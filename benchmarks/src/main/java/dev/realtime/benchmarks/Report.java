package dev.realtime.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The result tables: printed, and written as JSON and Markdown to {@code benchmarks/target/results}. */
final class Report {
    private final RunInfo run;
    private final List<AppendBenchmark.Result> append;
    private final List<RelayLatencyBenchmark.Result> relay;

    Report(RunInfo run, List<AppendBenchmark.Result> append, List<RelayLatencyBenchmark.Result> relay) {
        this.run = run;
        this.append = append;
        this.relay = relay;
    }

    String text() {
        StringBuilder out = new StringBuilder();
        if (!append.isEmpty()) {
            appendTable(out);
        }
        if (!relay.isEmpty()) {
            relayTable(out);
        }
        return out.append(CPU_NOTE).toString();
    }

    private void appendTable(StringBuilder out) {
        Map<String, Object> settings = run.settings();
        out.append("Append rate (events/s; one event per append, expected version; ").append(settings.get("rounds"))
                .append(" rounds of ").append(settings.get("round")).append(" after ").append(settings.get("warmup"))
                .append(" warm-up)\n");
        out.append(String.format(Locale.ROOT, "%-26s %7s %7s %5s %8s %13s %7s %8s %8s %16s %9s%n", "scenario", "clients",
                "streams", "relay", "median", "min..max", "spread", "p50 ms", "p99 ms", "cpu j/pg/o (jit)", "conflicts"));
        for (AppendBenchmark.Result r : append) {
            out.append(String.format(Locale.ROOT, "%-26s %7d %7d %5s %8.0f %13s %6.1f%% %8.2f %8.2f %16s %9d%n",
                    r.scenario() + mark(r.cpu()), r.clients(), r.streams(), r.relayRunning() ? "on" : "off", r.median(),
                    String.format(Locale.ROOT, "%.0f..%.0f", r.min(), r.max()), r.spreadPercent(),
                    r.appendLatency().p50(), r.appendLatency().p99(), r.cpu().brief(), r.conflicts() + r.errors()));
        }
    }

    private void relayTable(StringBuilder out) {
        out.append("\nRelay publish latency, ms: append's Uni completed (commit) -> record seen by a Kafka consumer;"
                + " last two: from the append call\n");
        out.append(String.format(Locale.ROOT, "%-22s %5s %7s %6s %8s %6s %6s %6s %6s %6s %4s %16s %7s %7s%n", "scenario",
                "rate", "clients", "events", "achieved", "p50", "p90", "p99", "max", "min", "<0", "cpu j/pg/o (jit)",
                "call50", "call99"));
        for (RelayLatencyBenchmark.Result r : relay) {
            out.append(String.format(Locale.ROOT,
                    "%-22s %5s %7d %6d %8.0f %6.1f %6.1f %6.1f %6.1f %6.1f %4d %16s %7.1f %7.1f%n",
                    r.scenario() + mark(r.cpu()),
                    r.targetRate() > 0 ? String.format(Locale.ROOT, "%.0f", r.targetRate()) : "max",
                    r.clients(), r.events(), r.achievedRate(), r.latency().p50(), r.latency().p90(),
                    r.latency().p99(), r.latency().max(), r.minMillis(), r.negative(), r.cpu().brief(),
                    r.fromAppendStart().p50(), r.fromAppendStart().p99()));
            if (r.missing() > 0 || r.appendErrors() > 0 || r.duplicates() > 0) {
                out.append(String.format(Locale.ROOT, "  %s: %d missing, %d append errors, %d duplicates%n",
                        r.scenario(), r.missing(), r.appendErrors(), r.duplicates()));
            }
        }
    }

    private static final int DISTURBED = 15;
    private static final String CPU_NOTE = "\n  cpu j/pg/o (jit): % of all cores used by this JVM / the PostgreSQL backends of"
            + " the benchmark database / everything else (the JIT compilers, part of the JVM's share);\n"
            + "  ! marks other > " + DISTURBED + "%: the machine was not idle\n";

    private static String mark(CpuMeter.Usage cpu) {
        return cpu.other() > DISTURBED ? "!" : "";
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(run.markdownHead("Event store benchmark"));
        md.append("## Append rate (events/s)\n\n");
        md.append("| scenario | clients | streams | relay | median | min..max | spread | append p50 ms | append p99 ms | CPU % JVM/PG/other (JIT) | conflicts+errors |\n");
        md.append("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (AppendBenchmark.Result r : append) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %.0f | %.0f..%.0f | %.1f%% | %.2f | %.2f | %s | %d |%n",
                    r.scenario(), r.clients(), r.streams(), r.relayRunning() ? "on" : "off", r.median(), r.min(),
                    r.max(), r.spreadPercent(), r.appendLatency().p50(), r.appendLatency().p99(), r.cpu().brief(),
                    r.conflicts() + r.errors()));
        }
        md.append("\nCPU: % of all cores used by this JVM / the PostgreSQL backends of the benchmark database / everything else"
                + " (JIT compilers, part of the JVM's share).\n");
        md.append("\n## Relay publish latency (commit -> consumer, ms)\n\n");
        md.append("| scenario | target/s | clients | events | achieved/s | p50 | p90 | p99 | max | min | below 0 | CPU % JVM/PG/other (JIT) | from call p50 | from call p99 | missing |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RelayLatencyBenchmark.Result r : relay) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %s | %.1f | %.1f | %d |%n",
                    r.scenario(), r.targetRate() > 0 ? String.format(Locale.ROOT, "%.0f", r.targetRate()) : "max",
                    r.clients(), r.events(), r.achievedRate(), r.latency().p50(), r.latency().p90(),
                    r.latency().p99(), r.latency().max(), r.minMillis(), r.negative(), r.cpu().brief(),
                    r.fromAppendStart().p50(), r.fromAppendStart().p99(), r.missing()));
        }
        return md.toString();
    }

    void write() throws IOException {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("append", append);
        results.put("relay", relay);
        RunInfo.ResultFiles files = run.write(resultsDir(), "results-", results, markdown());
        System.out.println("Results written to " + files.json().toAbsolutePath() + " and " + files.markdown().getFileName());
    }

    /**
     * {@code -Dbench.results-dir}, else {@code results} next to {@code quarkus-app} (that is
     * {@code benchmarks/target/results} when run from the build), else {@code ./target/results}.
     */
    private static Path resultsDir() {
        String configured = System.getProperty("bench.results-dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String classPath = System.getProperty("java.class.path", "");
        if (classPath.endsWith("quarkus-run.jar")) {
            Path target = Path.of(classPath).toAbsolutePath().getParent().getParent();
            if (target != null) {
                return target.resolve("results");
            }
        }
        return Path.of("target", "results");
    }
}
