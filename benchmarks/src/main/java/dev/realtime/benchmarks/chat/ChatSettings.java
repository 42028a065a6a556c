package dev.realtime.benchmarks.chat;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The harness settings, each a system property {@code chat.bench.<name>} (see benchmarks/README.md, "chat-service
 * REST").
 */
record ChatSettings(
        int users,
        int conversations,
        int participants,
        List<Integer> clients,
        Duration jvmWarmup,
        Duration jvmWarmupMin,
        double jvmWarmupJitBelow,
        int jvmWarmupClients,
        Duration warmup,
        Duration round,
        int rounds,
        List<String> openRates,
        Duration openWarmup,
        Duration openDuration,
        int openSenders,
        double userRate,
        long serviceRateLimit,
        List<String> serviceJvm,
        int textLength,
        Duration drainTimeout,
        String resultsDir) {

    static ChatSettings fromSystemProperties() {
        return new ChatSettings(
                integer("users", 50),
                integer("conversations", 120),
                integer("participants", 3),
                integers("clients", "16,32,64"),
                duration("jvm-warmup", "300s"),
                duration("jvm-warmup-min", "45s"),
                Double.parseDouble(get("jvm-warmup-jit-below", "10")),
                integer("jvm-warmup-clients", 32),
                duration("warmup", "2s"),
                duration("round", "3s"),
                integer("rounds", 5),
                strings("open-rates", "200,max"),
                duration("open-warmup", "2s"),
                duration("open-duration", "10s"),
                integer("open-senders", 256),
                Double.parseDouble(get("user-rate", "0")),
                Long.parseLong(get("service-rate-limit", "100000")),
                Arrays.stream(get("service-jvm", "-Xmx512m").trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(),
                integer("text-length", 80),
                duration("drain-timeout", "30s"),
                get("results-dir", "target/results"));
    }

    /** The JVM options of the chat-service process: the operator's options, then the rate-limit override. */
    List<String> serviceJvmOptions() {
        List<String> options = new java.util.ArrayList<>(serviceJvm);
        if (serviceRateLimit > 0) {
            options.add("-Dchat.rate-limit.posts-per-second=" + serviceRateLimit);
            options.add("-Dchat.rate-limit.burst=" + serviceRateLimit);
            // The set-up creates every conversation at once: with many conversations per user, past the budget
            // meant for people (20 at once).
            options.add("-Dchat.rate-limit.conversations-per-minute=" + serviceRateLimit);
            options.add("-Dchat.rate-limit.conversations-burst=" + serviceRateLimit);
        }
        return options;
    }

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("users", users);
        map.put("conversations", conversations);
        map.put("participantsPerConversation", participants);
        map.put("clients", clients);
        map.put("jvmWarmupMax", jvmWarmup.toString());
        map.put("jvmWarmupMin", jvmWarmupMin.toString());
        map.put("jvmWarmupJitBelowPercent", jvmWarmupJitBelow);
        map.put("jvmWarmupClients", jvmWarmupClients);
        map.put("warmup", warmup.toString());
        map.put("round", round.toString());
        map.put("rounds", rounds);
        map.put("openRates", openRates);
        map.put("openWarmup", openWarmup.toString());
        map.put("openDuration", openDuration.toString());
        map.put("openSenders", openSenders);
        map.put("userRate", userRate);
        map.put("serviceRateLimit", serviceRateLimit);
        map.put("serviceJvmOptions", serviceJvmOptions());
        map.put("textLength", textLength);
        return map;
    }

    private static String get(String name, String defaultValue) {
        String value = System.getProperty("chat.bench." + name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static int integer(String name, int defaultValue) {
        return Integer.parseInt(get(name, String.valueOf(defaultValue)));
    }

    private static List<Integer> integers(String name, String defaultValue) {
        String value = get(name, defaultValue);
        if (value.equalsIgnoreCase("none")) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Integer::valueOf).toList();
    }

    private static List<String> strings(String name, String defaultValue) {
        String value = get(name, defaultValue);
        if (value.equalsIgnoreCase("none")) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * An open-loop rate: posts/s ({@code 200}), or relative to the best closed-loop median: {@code max} or a fraction
     * of it ({@code 0.8max}). NaN when relative and there is no closed-loop result.
     */
    static double openRate(String spec, double bestMedian) {
        String value = spec.toLowerCase(java.util.Locale.ROOT);
        if (value.endsWith("max")) {
            String factor = value.substring(0, value.length() - 3);
            double f = factor.isEmpty() ? 1.0 : Double.parseDouble(factor);
            return Math.floor(f * bestMedian);
        }
        return Double.parseDouble(value);
    }

    /** {@code 45s}, {@code 500ms}, {@code 2m} or an ISO-8601 duration. */
    private static Duration duration(String name, String defaultValue) {
        String value = get(name, defaultValue).toLowerCase(java.util.Locale.ROOT);
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        if (value.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
        }
        if (value.endsWith("m") && !value.startsWith("p")) {
            return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)) * 60);
        }
        return Duration.parse(value.toUpperCase(java.util.Locale.ROOT));
    }
}
