package dev.realtime.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Machine-wide CPU use between two points, from {@code /proc/stat}: everything counts (this JVM with the
 * embedded broker, PostgreSQL, and whatever else runs). NaN where {@code /proc/stat} is missing.
 */
final class CpuMeter {
    private final long[] start;

    private CpuMeter(long[] start) {
        this.start = start;
    }

    static CpuMeter start() {
        return new CpuMeter(read());
    }

    /** Busy share of all cores since {@link #start()}, in percent. */
    double busyPercent() {
        long[] end = read();
        if (start == null || end == null || end[0] == start[0]) {
            return Double.NaN;
        }
        double total = end[0] - start[0];
        double idle = end[1] - start[1];
        return (total - idle) / total * 100;
    }

    /** Busy share of the machine over {@code millis}, sampled now (before the run: is anything else busy?). */
    static double sample(long millis) throws InterruptedException {
        CpuMeter meter = start();
        Thread.sleep(millis);
        return meter.busyPercent();
    }

    /** {total jiffies, idle + iowait jiffies} of the aggregate "cpu" line. */
    private static long[] read() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] { total, Long.parseLong(f[4]) + Long.parseLong(f[5]) };
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
