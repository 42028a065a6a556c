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

    /**
     * {total jiffies, idle + iowait jiffies, irq + softirq jiffies} of each core ("cpu0", "cpu1", ... lines of
     * /proc/stat). Interrupt time is charged to no process: on loopback it is mostly the network stack's work for
     * whichever processes talk to each other.
     */
    public static long[][] coreTicks() {
        try {
            return Files.readAllLines(Path.of("/proc/stat")).stream()
                    .filter(line -> line.startsWith("cpu") && Character.isDigit(line.charAt(3)))
                    .map(line -> {
                        String[] f = line.trim().split("\\s+");
                        long total = 0;
                        for (int i = 1; i < f.length && i <= 8; i++) {
                            total += Long.parseLong(f[i]);
                        }
                        return new long[] { total, Long.parseLong(f[4]) + Long.parseLong(f[5]),
                                Long.parseLong(f[6]) + Long.parseLong(f[7]) };
                    })
                    .toArray(long[][]::new);
        } catch (IOException | RuntimeException e) {
            return new long[0][];
        }
    }

    /**
     * utime + stime (jiffies) from a {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat} file. The fields
     * are counted after the command name's closing parenthesis, as the name itself may hold spaces.
     */
    public static long statTicks(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** utime + stime (jiffies, all threads) of a process; -1 when it is gone. */
    public static long processTicks(long pid) {
        try {
            return statTicks(Path.of("/proc", String.valueOf(pid), "stat"));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size (VmRSS) of a process in bytes; -1 when it is gone. */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
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
                    ticks.put(process.getFileName().toString(), statTicks(process.resolve("stat")));
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
