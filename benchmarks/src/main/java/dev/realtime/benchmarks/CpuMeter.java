package dev.realtime.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
        machine = machineTicks();
        backends = backendTicks();
    }

    static CpuMeter start() {
        return new CpuMeter();
    }

    Usage usage() {
        long[] machineNow = machineTicks();
        Map<String, Long> backendsNow = backendTicks();
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

    /** {total jiffies, idle + iowait jiffies} of the aggregate "cpu" line of /proc/stat. */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] { total, Long.parseLong(f[4]) + Long.parseLong(f[5]) };
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** utime + stime (jiffies) of each PostgreSQL backend whose process title names the benchmark's database. */
    private static Map<String, Long> backendTicks() {
        Map<String, Long> ticks = new HashMap<>();
        String database = System.getProperty("bench.database");
        if (database == null) {
            return ticks;
        }
        String marker = " " + database + " ";
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                try {
                    String title = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (!title.startsWith("postgres:") || !title.contains(marker)) {
                        continue;
                    }
                    String stat = Files.readString(process.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // After "pid (comm) ": state is field 3, utime field 14, stime field 15.
                    ticks.put(process.getFileName().toString(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return ticks;
    }
}
