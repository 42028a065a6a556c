package dev.realtime.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** CPU time counters read from /proc, shared by the benchmarks' CPU meters. */
public final class ProcStat {
    private ProcStat() {
    }

    /** {total jiffies, idle + iowait jiffies} of the aggregate "cpu" line of /proc/stat. */
    public static long[] machineTicks() {
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

    /** utime + stime (jiffies) of each PostgreSQL backend whose process title names the database. */
    public static Map<String, Long> backendTicks(String database) {
        Map<String, Long> ticks = new HashMap<>();
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
