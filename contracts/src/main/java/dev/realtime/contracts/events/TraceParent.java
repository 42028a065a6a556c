package dev.realtime.contracts.events;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context {@code traceparent} value (https://www.w3.org/TR/trace-context/#traceparent-header):
 * {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}. It travels with an event from the request that
 * caused it: stored in the event's metadata, on the Kafka record ({@code traceparent} and the CloudEvents
 * distributed-tracing extension {@code ce_traceparent}), and its trace id on every frame the event becomes.
 *
 * <p>Tracing data never refuses, delays or reorders an event: {@link #parse} returns empty for a malformed value,
 * and the caller goes on without it.
 */
public record TraceParent(String traceId, String parentId, String flags) {
    public static final String HEADER = "traceparent";
    private static final int LENGTH = 55;
    private static final String INVALID_TRACE_ID = "0".repeat(32);
    private static final String INVALID_PARENT_ID = "0".repeat(16);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * The value as the specification reads it: version {@code 00} exactly 55 characters; a later version (never
     * {@code ff}) may carry more after a dash, which is ignored. Lowercase hex only, and neither id all zeros.
     */
    public static Optional<TraceParent> parse(String value) {
        if (value == null || value.length() < LENGTH) {
            return Optional.empty();
        }
        String version = value.substring(0, 2);
        if (!isHex(version, 0, 2) || version.equals("ff")) {
            return Optional.empty();
        }
        if (version.equals("00") ? value.length() != LENGTH : value.length() > LENGTH && value.charAt(LENGTH) != '-') {
            return Optional.empty();
        }
        if (value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-'
                || !isHex(value, 3, 35) || !isHex(value, 36, 52) || !isHex(value, 53, 55)) {
            return Optional.empty();
        }
        String traceId = value.substring(3, 35);
        String parentId = value.substring(36, 52);
        if (traceId.equals(INVALID_TRACE_ID) || parentId.equals(INVALID_PARENT_ID)) {
            return Optional.empty();
        }
        return Optional.of(new TraceParent(traceId, parentId, value.substring(53, 55)));
    }

    /**
     * A new trace, not sampled: what an event gets when nothing upstream named a trace, so that every event still has
     * a trace id a user can quote and that the events it causes share.
     */
    public static TraceParent random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String traceId;
        do {
            traceId = hex(random.nextLong()) + hex(random.nextLong());
        } while (traceId.equals(INVALID_TRACE_ID));
        return new TraceParent(traceId, nonZeroSpanId(random), "00");
    }

    public boolean sampled() {
        return (Character.digit(flags.charAt(1), 16) & 1) == 1;
    }

    /** The header value, always written as version {@code 00}. */
    public String format() {
        return "00-" + traceId + "-" + parentId + "-" + flags;
    }

    @Override
    public String toString() {
        return format();
    }

    private static String nonZeroSpanId(ThreadLocalRandom random) {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return hex(id);
    }

    private static String hex(long value) {
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
        return new String(out);
    }

    private static boolean isHex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
