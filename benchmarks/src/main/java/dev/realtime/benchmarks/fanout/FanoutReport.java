package dev.realtime.benchmarks.fanout;

import dev.realtime.benchmarks.ProcStat;
import dev.realtime.benchmarks.Stats;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/** The benchmark's result as Markdown: set-up, idle memory, every step of every run, and the side-by-side summary. */
final class FanoutReport {

    /** Memory of one server with no connection and with {@code connections} idle ones, both after a collection. */
    record Idle(String server, int connections, Target.Memory empty, Target.Memory full) {
        double rssKbPerConnection() {
            return (full.rss() - empty.rss()) / 1024.0 / connections;
        }

        double heapKbPerConnection() {
            return empty.heapUsed() < 0 || full.heapUsed() < 0 ? Double.NaN
                    : (full.heapUsed() - empty.heapUsed()) / 1024.0 / connections;
        }
    }

    private final FanoutSettings settings;
    private final OffsetDateTime started;
    private final CpuWindow.Usage before;
    private final List<StepResult> steps = new ArrayList<>();
    private final List<Idle> idles = new ArrayList<>();

    FanoutReport(FanoutSettings settings, OffsetDateTime started, CpuWindow.Usage before) {
        this.settings = settings;
        this.started = started;
        this.before = before;
    }

    void step(StepResult result) {
        steps.add(result);
    }

    void idle(Idle idle) {
        idles.add(idle);
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Fan-out: realtime-edge and Socket.IO, ").append(started).append("\n\n");
        out.append(String.format(Locale.ROOT, "Machine: %d cores, Linux %s, Java %s, %s; CPU use outside the harness before "
                        + "the run: %.0f%% of one core. Settings: %s%n%n",
                ProcStat.coreTicks().length, System.getProperty("os.version"),
                System.getProperty("java.version"), nodeVersion(), before.other(), settings.asMap()));

        if (!idles.isEmpty()) {
            out.append("## Idle memory per connection (after a full collection)\n\n");
            out.append("| server | connections | RSS empty → full MB | RSS KB per connection | heap empty → full MB"
                    + " | heap KB per connection |\n|---|---|---|---|---|---|\n");
            for (Idle idle : idles) {
                out.append(String.format(Locale.ROOT, "| %s | %,d | %.1f → %.1f | %.1f | %.1f → %.1f | %.1f |%n",
                        idle.server(), idle.connections(), idle.empty().rss() / 1e6, idle.full().rss() / 1e6,
                        idle.rssKbPerConnection(), idle.empty().heapUsed() / 1e6, idle.full().heapUsed() / 1e6,
                        idle.heapKbPerConnection()));
            }
            out.append('\n');
        }

        out.append("## Steps\n\n").append(StepResult.header()).append('\n');
        for (StepResult step : steps) {
            out.append(step.row()).append('\n');
        }
        out.append("\nPass: no loss, no server close, p99 ≤ ").append(settings.passP99Millis())
                .append(" ms and delivered ≥ ").append(Math.round(settings.passDeliveredShare() * 100))
                .append(" % of the rate asked. Flags: client-limited = the harness's core was ≥ 90 % busy (the load "
                        + "generator, not the server, may be the limit); producer-short = the producer sent < 95 % of "
                        + "the events asked; machine-busy = processes outside the benchmark used > 10 % of a core; "
                        + "server-saturated = the server's core was ≥ 95 % busy.\n\n");

        out.append("## Highest passing rate (deliveries/s) per run\n\n| run |");
        List<String> servers = steps.stream().map(StepResult::server).distinct().toList();
        for (String server : servers) {
            out.append(' ').append(server).append(" |");
        }
        boolean both = servers.contains("realtime-edge") && servers.contains("socket.io");
        out.append(both ? " edge / socket.io |\n" : "\n");
        out.append("|---|").append("---|".repeat(servers.size() + (both ? 1 : 0))).append('\n');
        Map<Integer, Map<String, OptionalInt>> best = new TreeMap<>();
        for (StepResult step : steps) {
            best.computeIfAbsent(step.run(), r -> new TreeMap<>()).merge(step.server(),
                    step.pass() ? OptionalInt.of(step.rate()) : OptionalInt.empty(),
                    (a, b) -> b.isPresent() && (a.isEmpty() || b.getAsInt() > a.getAsInt()) ? b : a);
        }
        List<Double> ratios = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, OptionalInt>> run : best.entrySet()) {
            out.append("| ").append(run.getKey()).append(" |");
            for (String server : servers) {
                OptionalInt rate = run.getValue().getOrDefault(server, OptionalInt.empty());
                out.append(' ').append(rate.isPresent() ? String.format(Locale.ROOT, "%,d", rate.getAsInt()) : "none")
                        .append(" |");
            }
            if (both) {
                // A server that passed no step counts as 0: the ratio is then 0 (or undefined, for Socket.IO at 0).
                int edge = run.getValue().getOrDefault("realtime-edge", OptionalInt.empty()).orElse(0);
                int socketIo = run.getValue().getOrDefault("socket.io", OptionalInt.empty()).orElse(0);
                if (socketIo > 0) {
                    double ratio = edge / (double) socketIo;
                    ratios.add(ratio);
                    out.append(String.format(Locale.ROOT, " %.2f |", ratio));
                } else {
                    out.append(" - |");
                }
            }
            out.append('\n');
        }
        if (both) {
            List<Double> edgeBest = new ArrayList<>();
            List<Double> socketIoBest = new ArrayList<>();
            for (Map<String, OptionalInt> run : best.values()) {
                edgeBest.add((double) run.getOrDefault("realtime-edge", OptionalInt.empty()).orElse(0));
                socketIoBest.add((double) run.getOrDefault("socket.io", OptionalInt.empty()).orElse(0));
            }
            out.append(String.format(Locale.ROOT, "%nMedian highest passing rate over %d run(s) (none = 0): realtime-edge "
                    + "%,.0f, socket.io %,.0f; median of the per-run ratios edge / socket.io: **%.2f**%n", best.size(),
                    median(edgeBest), median(socketIoBest), median(ratios)));
        }
        out.append("\n## Medians over runs, per step\n\n| server | rate asked | delivered/s | p50 ms | p99 ms"
                + " | kafka-only p50 ms | server µs/delivery | RSS MB | passed runs |\n|---|---|---|---|---|---|---|---|---|\n");
        Map<String, Map<Integer, List<StepResult>>> grouped = new TreeMap<>();
        for (StepResult step : steps) {
            grouped.computeIfAbsent(step.server(), s -> new TreeMap<>())
                    .computeIfAbsent(step.rate(), r -> new ArrayList<>()).add(step);
        }
        grouped.forEach((server, byRate) -> byRate.forEach((rate, runs) -> out.append(String.format(Locale.ROOT,
                "| %s | %,d | %,.0f | %.2f | %.2f | %s | %.1f | %.0f | %d of %d |%n", server, rate,
                median(runs.stream().map(StepResult::deliveredPerSecond).toList()),
                median(runs.stream().map(StepResult::p50).toList()),
                median(runs.stream().map(StepResult::p99).toList()),
                runs.stream().allMatch(r -> Double.isNaN(r.kafkaP50())) ? "-"
                        : String.format(Locale.ROOT, "%.2f", median(runs.stream().map(StepResult::kafkaP50).toList())),
                median(runs.stream().map(StepResult::serverMicrosPerDelivery).toList()),
                median(runs.stream().map(r -> r.memory().rss() / 1e6).toList()),
                runs.stream().filter(StepResult::pass).count(), runs.size()))));
        return out.toString();
    }

    /** The median of the values that were measured: a step without a figure (NaN) does not count. */
    private static double median(List<Double> values) {
        return Stats.median(values.stream().filter(v -> !Double.isNaN(v)).toList());
    }

    private static String nodeVersion() {
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String version = new String(node.getInputStream().readAllBytes()).trim();
            node.waitFor();
            return "Node.js " + version;
        } catch (IOException | InterruptedException e) {
            return "no Node.js";
        }
    }
}
