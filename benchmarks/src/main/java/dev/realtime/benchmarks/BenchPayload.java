package dev.realtime.benchmarks;

/** Data of the benchmark's domain event: about the size of a short chat message. */
public record BenchPayload(long n, String text) {
    public static final String TYPE = "bench.MessagePosted.v1";
    static final String TEXT = "The quick brown fox jumps over the lazy dog; "
            + "a chat message of about one hundred characters, typical.";

    static BenchPayload of(long n) {
        return new BenchPayload(n, TEXT);
    }
}
