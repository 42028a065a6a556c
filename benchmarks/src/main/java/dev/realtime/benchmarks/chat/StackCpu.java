package dev.realtime.benchmarks.chat;

import dev.realtime.benchmarks.ProcStat;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU use between two points, as shares of the whole machine (all cores = 100 %): this harness JVM (HTTP clients,
 * Kafka broker, OIDC issuer, consumer), the chat-service process, the PostgreSQL backends of the service's
 * database, and everything else (PostgreSQL's shared background processes, any other program). Linux ({@code
 * /proc}); NaN elsewhere.
 */
final class StackCpu {

    /**
     * Percent of all cores; {@code serviceJit}: the service's JIT compiler threads, part of {@code service};
     * {@code harnessGcPauseMillis}: how long this JVM's collector stopped it (load generator, broker and consumer
     * alike), which the latencies measured meanwhile include; {@code harnessGcConcurrentMillis}: how long its
     * concurrent collection cycles ran (ZGC, G1's marking) beside the application, on the same cores.
     */
    record Usage(double harness, double service, double postgres, double other, double serviceJit,
            long harnessGcPauseMillis, long harnessGcConcurrentMillis) {
        static final Usage NONE = new Usage(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, -1);

        /** "harness/service/pg/other (service jit)". */
        String brief() {
            return String.format(Locale.ROOT, "%.0f/%.0f/%.0f/%.0f (%.0f)", harness, service, postgres, other,
                    serviceJit);
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final long servicePid;
    private final String database;
    private final long wallNanos;
    private final long harnessNanos;
    private final long serviceNanos;
    private final long[] machine;
    private final Map<String, Long> backends;
    private final Map<String, Long> compilers;
    private final long[] gcMillis;

    private StackCpu(long servicePid, String database) {
        this.servicePid = servicePid;
        this.database = database;
        wallNanos = System.nanoTime();
        harnessNanos = OS.getProcessCpuTime();
        serviceNanos = processCpuNanos(servicePid);
        machine = ProcStat.machineTicks();
        backends = ProcStat.backendTicks(database);
        compilers = compilerTicks(servicePid);
        gcMillis = gcMillis();
    }

    /** {@code servicePid} -1 and {@code database} null measure only this JVM and the machine. */
    static StackCpu start(long servicePid, String database) {
        return new StackCpu(servicePid, database);
    }

    static Usage sample(Duration duration) throws InterruptedException {
        StackCpu meter = start(-1, null);
        Thread.sleep(duration.toMillis());
        return meter.usage();
    }

    Usage usage() {
        long[] machineNow = ProcStat.machineTicks();
        long wall = System.nanoTime() - wallNanos;
        if (machine == null || machineNow == null || machineNow[0] == machine[0] || wall <= 0) {
            return Usage.NONE;
        }
        double totalTicks = machineNow[0] - machine[0];
        double busy = (totalTicks - (machineNow[1] - machine[1])) / totalTicks * 100;
        double harness = (OS.getProcessCpuTime() - harnessNanos) / (double) wall / CORES * 100;
        double service = servicePid < 0 ? 0 : (processCpuNanos(servicePid) - serviceNanos) / (double) wall / CORES * 100;
        long pgTicks = 0;
        for (Map.Entry<String, Long> backend : ProcStat.backendTicks(database).entrySet()) {
            pgTicks += backend.getValue() - backends.getOrDefault(backend.getKey(), 0L);
        }
        double postgres = pgTicks / totalTicks * 100;
        long jitTicks = 0;
        for (Map.Entry<String, Long> compiler : compilerTicks(servicePid).entrySet()) {
            jitTicks += compiler.getValue() - compilers.getOrDefault(compiler.getKey(), 0L);
        }
        double jit = jitTicks / totalTicks * 100;
        long[] gcNow = gcMillis();
        return new Usage(harness, service, postgres, Math.max(0, busy - harness - service - postgres), jit,
                gcNow[0] - gcMillis[0], gcNow[1] - gcMillis[1]);
    }

    /**
     * Time of this JVM's collectors so far: {stop-the-world (G1's and Parallel's young and old collections, ZGC
     * Pauses), concurrent cycles (ZGC Cycles, G1 Concurrent GC, Shenandoah Cycles), which run alongside the
     * application}.
     */
    private static long[] gcMillis() {
        long[] millis = new long[2];
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = collector.getName();
            millis[name.endsWith("Cycles") || name.contains("Concurrent") ? 1 : 0] += Math.max(0, collector.getCollectionTime());
        }
        return millis;
    }

    /** utime + stime (jiffies) of each JIT compiler thread ("C1/C2 CompilerThread") of the process. */
    private static Map<String, Long> compilerTicks(long pid) {
        Map<String, Long> ticks = new HashMap<>();
        if (pid < 0) {
            return ticks;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    if (!name.startsWith("C1 CompilerThr") && !name.startsWith("C2 CompilerThr")) {
                        continue;
                    }
                    ticks.put(task.getFileName().toString(), ProcStat.statTicks(task.resolve("stat")));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc, or the process ended
        }
        return ticks;
    }

    private static long processCpuNanos(long pid) {
        if (pid < 0) {
            return 0;
        }
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }
}
