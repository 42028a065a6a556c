package dev.realtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * CPU use between two points, as shares of the whole machine (all cores = 100 %), split into this JVM
 * (benchmark clients, Quarkus, relay, Kafka broker and consumer), the PostgreSQL backends of the benchmark's
 * database, and everything else (PostgreSQL's shared background processes, and whatever else runs on the
 * machine: a high "other" means the figures were disturbed). Linux only ({@code /proc}); NaN elsewhere.
 * Also the JIT compilers' share (time spent compiling, part of the JVM's share): high while the JVM warms up.
 */
final class CpuMeter {

    /** Percent of all cores. */
    record Usage(double machine, double jvm, double postgres, double other, double jitCompiler) {
        static final Usage NONE = new Usage(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        /** "jvm/postgres/other (jit)". */
        String brief() {
            return String.format(java.util.Locale.ROOT, "%.0f/%.0f/%.0f (%.0f)", jvm, postgres, other, jitCompiler);
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final java.lang.management.CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final long wallNanos;
    private final long jvmNanos;
    private final long jitMillis;
    private final long[] machine;
    private final Map<String, Long> backends;

    private CpuMeter() {
        wallNanos = System.nanoTime();
        jvmNanos = OS.getProcessCpuTime();
        jitMillis = jitMillis();
        machine = ProcStat.machineTicks();
        backends = ProcStat.backendTicks(System.getProperty("bench.database"));
    }

    static CpuMeter start() {
        return new CpuMeter();
    }

    Usage usage() {
        long[] machineNow = ProcStat.machineTicks();
        Map<String, Long> backendsNow = ProcStat.backendTicks(System.getProperty("bench.database"));
        long wall = System.nanoTime() - wallNanos;
        if (machine == null || machineNow == null || machineNow[0] == machine[0] || wall <= 0) {
            return Usage.NONE;
        }
        double totalTicks = machineNow[0] - machine[0];
        double busy = (totalTicks - (machineNow[1] - machine[1])) / totalTicks * 100;
        double jvm = (OS.getProcessCpuTime() - jvmNanos) / (double) wall / CORES * 100;
        long pgTicks = 0;
        for (Map.Entry<String, Long> backend : backendsNow.entrySet()) {
            // A backend that started in the interval used all its CPU time in it.
            pgTicks += backend.getValue() - backends.getOrDefault(backend.getKey(), 0L);
        }
        double postgres = pgTicks / totalTicks * 100;
        double jit = (jitMillis() - jitMillis) * 1e6 / wall / CORES * 100;
        return new Usage(busy, jvm, postgres, Math.max(0, busy - jvm - postgres), jit);
    }

    private static long jitMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
    }

    /** CPU use over the next {@code millis} (before the run: is anything else busy?). */
    static Usage sample(long millis) throws InterruptedException {
        CpuMeter meter = start();
        Thread.sleep(millis);
        return meter.usage();
    }
}
