package dev.realtime.benchmarks.fanout;

import dev.realtime.benchmarks.ProcStat;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * CPU use over one step, in percent of <em>one core</em>: the server process, this harness JVM (clients, broker,
 * producer), the target's helper processes (Redis, the emitter), interrupt time (charged to no process: mostly the
 * loopback network stack), everything else on the machine, and how busy each of the two cores was. The harness's core near 100 % means the figures are limited by the load generator, not by the
 * server; "other" above a few percent means something outside the benchmark used the machine.
 */
final class CpuWindow {
    /** Jiffies per second: Linux's USER_HZ, 100 on every architecture the JDK runs on. */
    private static final double HZ = 100;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    record Usage(double server, double harness, double helpers, double interrupts, double other, double[] cores,
            long serverMicros) {
    }

    private final long serverPid;
    private final List<Long> helperPids;
    private final long wallNanos;
    private final long serverTicks;
    private final long harnessNanos;
    private final long helperTicks;
    private final long[][] cores;

    private CpuWindow(long serverPid, List<Long> helperPids) {
        this.serverPid = serverPid;
        this.helperPids = helperPids;
        wallNanos = System.nanoTime();
        serverTicks = ProcStat.processTicks(serverPid);
        harnessNanos = OS.getProcessCpuTime();
        helperTicks = ticks(helperPids);
        cores = ProcStat.coreTicks();
    }

    static CpuWindow start(long serverPid, List<Long> helperPids) {
        return new CpuWindow(serverPid, helperPids);
    }

    Usage stop() {
        double seconds = (System.nanoTime() - wallNanos) / 1e9;
        long serverNow = ProcStat.processTicks(serverPid);
        long server = serverNow < 0 ? 0 : serverNow - serverTicks;
        double harness = (OS.getProcessCpuTime() - harnessNanos) / 1e9 / seconds * 100;
        double helpers = (ticks(helperPids) - helperTicks) / HZ / seconds * 100;
        long[][] coresNow = ProcStat.coreTicks();
        double[] busy = new double[Math.min(cores.length, coresNow.length)];
        double machineBusy = 0;
        double interrupts = 0;
        for (int i = 0; i < busy.length; i++) {
            double total = coresNow[i][0] - cores[i][0];
            double idle = coresNow[i][1] - cores[i][1];
            busy[i] = total <= 0 ? 0 : (total - idle) / total * 100;
            interrupts += total <= 0 ? 0 : (coresNow[i][2] - cores[i][2]) / total * 100;
            machineBusy += busy[i];
        }
        double serverPercent = server / HZ / seconds * 100;
        double other = Math.max(0, machineBusy - serverPercent - harness - helpers - interrupts);
        return new Usage(serverPercent, harness, helpers, interrupts, other, busy, (long) (server / HZ * 1e6));
    }

    private static long ticks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += Math.max(0, ProcStat.processTicks(pid));
        }
        return sum;
    }
}
