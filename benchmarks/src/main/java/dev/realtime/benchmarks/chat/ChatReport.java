package dev.realtime.benchmarks.chat;

import dev.realtime.benchmarks.RunInfo;
import dev.realtime.benchmarks.chat.ChatScenarios.OpenLoopResult;
import dev.realtime.benchmarks.chat.ChatScenarios.ThroughputResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The result tables: printed, and written as Markdown and JSON under {@code benchmarks/target/results}. */
final class ChatReport {
    private final RunInfo run;
    private final List<ThroughputResult> throughput;
    private final List<OpenLoopResult> openLoop;
    private final Map<String, Object> totals;

    ChatReport(RunInfo run, List<ThroughputResult> throughput, List<OpenLoopResult> openLoop, Map<String, Object> totals) {
        this.run = run;
        this.throughput = throughput;
        this.openLoop = openLoop;
        this.totals = totals;
    }

    String text() {
        StringBuilder out = new StringBuilder();
        Map<String, Object> settings = run.settings();
        out.append("\nchat-service REST: sustained posts/s (closed loop; median of ").append(settings.get("rounds"))
                .append(" rounds of ").append(settings.get("round")).append(" after ").append(settings.get("warmup"))
                .append(" warm-up)\n");
        out.append(String.format(Locale.ROOT, "%7s %8s %11s %6s %8s %8s %6s %5s %5s %9s %9s %9s %9s %9s %20s %6s %6s%n",
                "clients", "median", "min..max", "spread", "http p50", "http p99", "201", "429", "err", "evt p50",
                "evt p99", "evt max", "send p50", "send p99", "cpu h/s/pg/o (jit)", "hgc ms", "conc"));
        for (ThroughputResult r : throughput) {
            out.append(String.format(Locale.ROOT,
                    "%7d %8.0f %11s %5.1f%% %8.1f %8.1f %6d %5d %5d %9.1f %9.1f %9.1f %9.1f %9.1f %20s %6d %6d%n",
                    r.clients(), r.median(), String.format(Locale.ROOT, "%.0f..%.0f", r.min(), r.max()),
                    r.spreadPercent(), r.http().p50(), r.http().p99(), r.created(), r.tooManyRequests(), r.errors(),
                    r.eventFromResponse().p50(), r.eventFromResponse().p99(), r.eventFromResponse().max(),
                    r.eventFromSend().p50(), r.eventFromSend().p99(), r.cpu().brief(), r.cpu().harnessGcPauseMillis(),
                    r.cpu().harnessGcConcurrentMillis()));
            if (r.missing() > 0) {
                out.append("  ").append(r.missing()).append(" records never arrived\n");
            }
        }
        out.append("\nchat-service REST: post -> record on chat.events (open loop), ms\n");
        out.append(String.format(Locale.ROOT, "%-10s %6s %6s %8s %8s %8s %8s %5s %5s %8s %8s %8s %8s %5s %8s %8s %8s %20s %6s %6s%n",
                "scenario", "rate", "posts", "achieved", "lag p99", "http p50", "http p99", "429", "err", "evt p50", "evt p99",
                "evt max", "evt min", "<0", "send p50", "send p99", "send max", "cpu h/s/pg/o (jit)", "hgc ms", "conc"));
        for (OpenLoopResult r : openLoop) {
            out.append(String.format(Locale.ROOT,
                    "%-10s %6.0f %6d %8.0f %8.1f %8.1f %8.1f %5d %5d %8.1f %8.1f %8.1f %8.1f %5d %8.1f %8.1f %8.1f %20s %6d %6d%n",
                    r.scenario(), r.targetRate(), r.posts(), r.achievedRate(), r.sendLag().p99(), r.http().p50(), r.http().p99(),
                    r.tooManyRequests(), r.errors(), r.eventFromResponse().p50(), r.eventFromResponse().p99(),
                    r.eventFromResponse().max(), r.eventFromResponse().min(), r.eventFromResponse().negative(),
                    r.eventFromSend().p50(), r.eventFromSend().p99(), r.eventFromSend().max(), r.cpu().brief(),
                    r.cpu().harnessGcPauseMillis(), r.cpu().harnessGcConcurrentMillis()));
            if (r.missing() > 0) {
                out.append("  ").append(r.missing()).append(" records never arrived\n");
            }
        }
        out.append(NOTE);
        out.append("  totals: ").append(totals).append('\n');
        return out.toString();
    }

    private static final String NOTE = "\n  evt: 201 response -> record seen by the consumer (lower bound); send: request sent -> record"
            + " (upper bound);\n  <0: records seen before the 201 arrived; lag: open-loop sender start behind schedule;\n"
            + "  cpu h/s/pg/o (jit): % of all cores used by the harness JVM (clients, Kafka broker, issuer, consumer) /"
            + " chat-service / its PostgreSQL backends / everything else;\n  (jit): chat-service's JIT compiler"
            + " threads, part of its share;\n  hgc ms: time the harness JVM (load generator, broker, consumer) was stopped by"
            + " its garbage collector during the scenario; conc: ms its concurrent collection cycles ran beside it\n";

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(run.markdownHead("chat-service REST benchmark")).append("## Sustained posts/s (closed loop)\n\n");
        md.append("| clients | median posts/s | min..max | spread | HTTP p50 ms | HTTP p99 ms | 201 | 429 | errors"
                + " | 201 -> record p50 | p99 | max | send -> record p50 | p99 | CPU % harness/service/PG/other (service JIT) | missing |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ThroughputResult r : throughput) {
            md.append(String.format(Locale.ROOT,
                    "| %d | %.0f | %.0f..%.0f | %.1f%% | %.1f | %.1f | %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %d |%n",
                    r.clients(), r.median(), r.min(), r.max(), r.spreadPercent(), r.http().p50(), r.http().p99(),
                    r.created(), r.tooManyRequests(), r.errors(), r.eventFromResponse().p50(),
                    r.eventFromResponse().p99(), r.eventFromResponse().max(), r.eventFromSend().p50(),
                    r.eventFromSend().p99(), r.cpu().brief(), r.missing()));
        }
        md.append("\n## Post -> record on chat.events (open loop), ms\n\n");
        md.append("| scenario | target/s | posts | achieved/s | lag p99 | HTTP p50 | HTTP p99 | 429 | errors | 201 -> record p50 | p99"
                + " | max | min | below 0 | send -> record p50 | p99 | max | CPU % harness/service/PG/other (service JIT) | missing |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (OpenLoopResult r : openLoop) {
            md.append(String.format(Locale.ROOT,
                    "| %s | %.0f | %d | %.0f | %.1f | %.1f | %.1f | %d | %d | %.1f | %.1f | %.1f | %.1f | %d | %.1f | %.1f | %.1f | %s | %d |%n",
                    r.scenario(), r.targetRate(), r.posts(), r.achievedRate(), r.sendLag().p99(), r.http().p50(), r.http().p99(),
                    r.tooManyRequests(), r.errors(), r.eventFromResponse().p50(), r.eventFromResponse().p99(),
                    r.eventFromResponse().max(), r.eventFromResponse().min(), r.eventFromResponse().negative(),
                    r.eventFromSend().p50(), r.eventFromSend().p99(), r.eventFromSend().max(), r.cpu().brief(),
                    r.missing()));
        }
        md.append("\nTotals: ").append(totals).append("\n");
        return md.toString();
    }

    void write(Path dir) throws IOException {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("throughput", throughput);
        results.put("openLoop", openLoop);
        results.put("totals", totals);
        RunInfo.ResultFiles files = run.write(dir, "chat-rest-", results, markdown());
        System.out.println("Results written to " + files.markdown().toAbsolutePath() + " and " + files.json().getFileName());
    }
}
