package dev.realtime.benchmarks.fanout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One measured step of one server. Deliveries are frames that reached a client; {@code offered} is what the producer
 * actually sent times the members of each event's room (what the clients should have received), {@code rate} what the
 * step asked for. Latencies in milliseconds, from the producer's send to the client's receive.
 */
record StepResult(String server, int run, int rate, double seconds, double offeredPerSecond, double deliveredPerSecond,
        long lost, long extra, long outOfOrder, double p50, double p99, double max, double kafkaP50, double kafkaP99,
        double serverMicrosPerDelivery, double harnessCore, CpuWindow.Usage cpu, Target.Memory memory, int ready, int connections,
        Map<Integer, Integer> closes, List<String> flags, boolean pass) {

    static StepResult of(String server, int run, int rate, double seconds, Map<String, Long> sentPerRoom,
            List<LoadClients.Spec> specs, LoadClients.Snapshot seen, CpuWindow.Usage cpu, Target.Memory memory,
            long[] baselineMicros, FanoutSettings settings) {
        long expected = 0;
        long lost = 0;
        long extra = 0;
        for (int i = 0; i < specs.size(); i++) {
            long shouldGet = sentPerRoom.getOrDefault(specs.get(i).room(), 0L);
            long got = seen.receivedPerClient()[i];
            expected += shouldGet;
            lost += Math.max(0, shouldGet - got);
            extra += Math.max(0, got - shouldGet);
        }
        long sentEvents = sentPerRoom.values().stream().mapToLong(Long::longValue).sum();
        long[] latencies = seen.latencyMicros().clone();
        Arrays.sort(latencies);
        long[] baseline = baselineMicros.clone();
        Arrays.sort(baseline);
        double delivered = (seen.received() - extra) / seconds;

        List<String> flags = new ArrayList<>();
        double harnessCore = cpu.cores().length > settings.harnessCpu() ? cpu.cores()[settings.harnessCpu()] : Double.NaN;
        if (harnessCore >= 90) {
            flags.add("client-limited");
        }
        if (sentEvents < 0.95 * rate / settings.membersPerRoom() * seconds) {
            flags.add("producer-short");
        }
        if (cpu.other() > 10) {
            flags.add("machine-busy");
        }
        if (cpu.cores().length > settings.serverCpu() && cpu.cores()[settings.serverCpu()] >= 95) {
            flags.add("server-saturated");
        }
        double p99 = millis(percentile(latencies, 99));
        boolean pass = lost == 0 && seen.closes().isEmpty() && seen.ready() == specs.size()
                && p99 <= settings.passP99Millis() && delivered >= settings.passDeliveredShare() * rate;
        return new StepResult(server, run, rate, seconds, expected / seconds, delivered, lost, extra, seen.outOfOrder(),
                millis(percentile(latencies, 50)), p99, millis(latencies.length == 0 ? -1 : latencies[latencies.length - 1]),
                millis(percentile(baseline, 50)), millis(percentile(baseline, 99)),
                seen.received() == 0 ? Double.NaN : cpu.serverMicros() / (double) seen.received(), harnessCore, cpu, memory,
                seen.ready(), specs.size(), seen.closes(), flags, pass);
    }

    /** Nearest rank; -1 for no samples. */
    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double millis(long micros) {
        return micros < 0 ? Double.NaN : micros / 1000.0;
    }

    static String header() {
        return "| server | run | rate asked | offered/s | delivered/s | lost | dup | out of order | p50 ms | p99 ms | max ms"
                + " | kafka-only p50/p99 ms | server µs/delivery | server % core | harness core % | irq % | other % | RSS MB"
                + " | closes | flags | pass |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    String row() {
        return String.format(Locale.ROOT,
                "| %s | %d | %,d | %,.0f | %,.0f | %d | %d | %d | %.2f | %.2f | %.1f | %s | %.1f | %.0f | %.0f | %.0f | %.0f | %.0f"
                        + " | %s | %s | %s |",
                server, run, rate, offeredPerSecond, deliveredPerSecond, lost, extra, outOfOrder, p50, p99, max,
                Double.isNaN(kafkaP50) ? "-" : String.format(Locale.ROOT, "%.2f / %.2f", kafkaP50, kafkaP99),
                serverMicrosPerDelivery, cpu.server(), harnessCore, cpu.interrupts(),
                cpu.other(), memory.rss() / 1e6, closes.isEmpty() ? "-" : closes.toString(),
                flags.isEmpty() ? "-" : String.join(" ", flags), pass ? "yes" : "no");
    }

    String line() {
        return String.format(Locale.ROOT,
                "%-13s run %d rate %,7d: delivered %,9.0f/s of %,9.0f offered, lost %d, p50 %.2f p99 %.2f max %.1f ms,"
                        + " %.1f µs/delivery, server %.0f%%, harness core %.0f%%%s%s",
                server, run, rate, deliveredPerSecond, offeredPerSecond, lost, p50, p99, max, serverMicrosPerDelivery,
                cpu.server(), harnessCore,
                flags.isEmpty() ? "" : " [" + String.join(" ", flags) + "]", pass ? " PASS" : " fail");
    }
}
