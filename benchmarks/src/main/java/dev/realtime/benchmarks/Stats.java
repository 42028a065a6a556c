package dev.realtime.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * Medians and percentiles (nearest rank) of measured values: one definition for every harness, so that their figures
 * mean the same.
 */
public final class Stats {
    private Stats() {
    }

    /** The median (mean of the middle two for an even count); NaN when there is no value. */
    public static double median(List<Double> values) {
        return medianOfSorted(values.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    /** {@link #median} of values already sorted ascending. */
    public static double medianOfSorted(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The smallest value; NaN when there is none. */
    public static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    /** The largest value; NaN when there is none. */
    public static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Latency summary in milliseconds of nanosecond samples. */
    record Latency(int count, double p50, double p90, double p99, double max) {
        static final Latency NONE = new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        static Latency ofNanos(long[] samples) {
            if (samples.length == 0) {
                return NONE;
            }
            long[] sorted = samples.clone();
            Arrays.sort(sorted);
            return new Latency(sorted.length, millis(percentile(sorted, 50)), millis(percentile(sorted, 90)),
                    millis(percentile(sorted, 99)), millis(sorted[sorted.length - 1]));
        }
    }

    /** The nearest-rank {@code p}-th percentile of values sorted ascending (not empty). */
    public static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** A growable array of longs, one per client thread, so recording a sample allocates nothing. */
    static final class Samples {
        private long[] values = new long[1024];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }

        static long[] concat(List<Samples> all) {
            return all.stream().flatMapToLong(s -> Arrays.stream(s.toArray())).toArray();
        }
    }
}
