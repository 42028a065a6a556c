package dev.realtime.benchmarks.chat;

import static dev.realtime.benchmarks.Stats.millis;
import static dev.realtime.benchmarks.Stats.percentile;

import java.util.Arrays;

/**
 * Percentiles (nearest rank, {@link dev.realtime.benchmarks.Stats}) in milliseconds of nanosecond samples;
 * {@code negative}: samples below zero.
 */
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
        return new Latency(sorted.length, millis(percentile(sorted, 50)), millis(percentile(sorted, 90)),
                millis(percentile(sorted, 99)), millis(sorted[sorted.length - 1]), millis(sorted[0]), negative);
    }
}
