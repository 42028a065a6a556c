package dev.realtime.benchmarks.fanout;

/**
 * The event data both servers carry, the same bytes for each: {@code {"s":step,"n":per-room counter,"room":...,
 * "t":send time in epoch microseconds,"pad":"xx.."}}, padded to the configured size. Read back by scanning for the keys
 * (no JSON parser on the clients' hot path: the load generator must cost less than the servers it measures).
 */
final class Payloads {
    /** The length of the data without padding, with typical numbers (a 16-digit time, 2-digit step, 5-digit n). */
    private static final int UNPADDED = json(10, 10_000, "conversation:b10", 1_700_000_000_000_000L, "").length();

    private Payloads() {
    }

    static String pad(int payloadBytes) {
        return "x".repeat(Math.max(0, payloadBytes - UNPADDED));
    }

    static String json(int step, long n, String room, long sentMicros, String pad) {
        return "{\"s\":" + step + ",\"n\":" + n + ",\"room\":\"" + room + "\",\"t\":" + sentMicros + ",\"pad\":\"" + pad
                + "\"}";
    }

    /** The non-negative integer after {@code key}, searched from {@code from}; -1 when absent. */
    static long number(String text, String key, int from) {
        int at = text.indexOf(key, from);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        for (int i = at + key.length(); i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                break;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }

    static long number(String text, String key) {
        return number(text, key, 0);
    }
}
