package dev.realtime.benchmarks.fanout;

import io.vertx.core.buffer.Buffer;

/**
 * The event data both servers carry, the same bytes for each: {@code {"s":step,"n":per-room counter,"room":...,
 * "t":send time in epoch microseconds,"pad":"xx.."}}, padded to the configured size. Read back by scanning for the keys
 * (no JSON parser on the clients' hot path: the load generator must cost less than the servers it measures).
 */
final class Payloads {
    /** The length of the data without padding, with typical numbers (a 16-digit time, 2-digit step, 5-digit n). */
    private static final int UNPADDED = json(10, 10_000, "conversation:b10", 1_700_000_000_000_000L, "").length();

    static final byte[] STEP_KEY = ascii("\"s\":");
    static final byte[] SENT_KEY = ascii("\"t\":");
    static final byte[] COUNTER_KEY = ascii("\"n\":");

    private Payloads() {
    }

    static String pad(int payloadBytes) {
        return "x".repeat(Math.max(0, payloadBytes - UNPADDED));
    }

    static String json(int step, long n, String room, long sentMicros, String pad) {
        return "{\"s\":" + step + ",\"n\":" + n + ",\"room\":\"" + room + "\",\"t\":" + sentMicros + ",\"pad\":\"" + pad
                + "\"}";
    }

    /** The non-negative integer after {@code key} in the bytes (ASCII keys and digits), searched from {@code from}; -1 when absent. */
    static long number(Buffer data, byte[] key, int from) {
        int at = indexOf(data, key, from);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        for (int i = at + key.length; i < data.length(); i++) {
            byte b = data.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    static int indexOf(Buffer data, byte[] key, int from) {
        int last = data.length() - key.length;
        outer:
        for (int i = Math.max(0, from); i <= last; i++) {
            for (int k = 0; k < key.length; k++) {
                if (data.getByte(i + k) != key[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    static boolean startsWith(Buffer data, byte[] prefix) {
        if (data.length() < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (data.getByte(k) != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
