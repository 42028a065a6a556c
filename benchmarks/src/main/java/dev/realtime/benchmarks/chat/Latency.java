package dev.realtime.benchmarks.chat;

import java.util.Arrays;
import java.util.List;

/** Percentiles (nearest rank) in milliseconds of nanosecond samples; {@code negative}: samples below zero. */
record Latency(int count, double p50, double p90, double p99, double max, double min, int negative) {
    static final Latency NONE = new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);

    static Latency ofNanos(long[] samples) {
        if (samples.length == 0) {
            return NONE;
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        int negative = 0;
        while (negative < sorted.length && sorted[negative] < 0) {
            negative++;
        }
        return new Latency(sorted.length, ms(percentile(sorted, 50)), ms(percentile(sorted, 90)),
                ms(percentile(sorted, 99)), ms(sorted[sorted.length - 1]), ms(sorted[0]), negative);
    }

    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
