package dev.realtime.benchmarks.fanout;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fan-out benchmark runs, from system properties {@code fanout.<name>} (benchmarks/README.md, "Fan-out: edge
 * and Socket.IO"). Rates are <em>deliveries</em> per second (frames reaching clients): the producer sends
 * {@code rate / members-per-room} events per second to random rooms.
 */
record FanoutSettings(
        List<String> servers,
        int connections,
        int rooms,
        List<Integer> rates,
        Duration warmup,
        boolean harnessWarmup,
        Duration step,
        Duration drain,
        int payloadBytes,
        int runs,
        List<Integer> idleConnections,
        double passP99Millis,
        double passDeliveredShare,
        int serverCpu,
        int harnessCpu,
        int kafkaOnlyMaxRate,
        String edgeJvm,
        String resultsDir) {

    static FanoutSettings fromSystemProperties() {
        FanoutSettings settings = new FanoutSettings(
                strings("servers", "edge,socketio"),
                integer("connections", 2000),
                integer("rooms", 100),
                integers("rates", "10000,20000,40000,60000,80000,120000,160000"),
                duration("warmup", "5s"),
                Boolean.parseBoolean(get("harness-warmup", "true")),
                duration("step", "20s"),
                duration("drain", "3s"),
                integer("payload-bytes", 64),
                integer("runs", 1),
                integers("idle-connections", "5000,19000"),
                Double.parseDouble(get("pass-p99-ms", "100")),
                Double.parseDouble(get("pass-delivered-share", "0.95")),
                integer("server-cpu", 1),
                integer("harness-cpu", 0),
                integer("kafka-only-max-rate", 20000),
                get("edge-jvm", "-Xmx1g -XX:+UseSerialGC -XX:MetaspaceSize=128m"),
                get("results-dir", "target/fanout"));
        if (settings.connections % settings.rooms != 0) {
            throw new IllegalArgumentException("fanout.connections must be a multiple of fanout.rooms");
        }
        return settings;
    }

    int membersPerRoom() {
        return connections / rooms;
    }

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("servers", servers);
        map.put("connections", connections);
        map.put("rooms", rooms);
        map.put("membersPerRoom", membersPerRoom());
        map.put("deliveryRates", rates);
        map.put("warmup", warmup.toString());
        map.put("harnessWarmup", harnessWarmup);
        map.put("step", step.toString());
        map.put("drain", drain.toString());
        map.put("payloadBytes", payloadBytes);
        map.put("runs", runs);
        map.put("idleConnections", idleConnections);
        map.put("passP99Millis", passP99Millis);
        map.put("passDeliveredShare", passDeliveredShare);
        map.put("serverCpu", serverCpu);
        map.put("harnessCpu", harnessCpu);
        map.put("kafkaOnlyMaxRate", kafkaOnlyMaxRate);
        map.put("edgeJvm", edgeJvm);
        return map;
    }

    private static String get(String name, String defaultValue) {
        String value = System.getProperty("fanout." + name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static int integer(String name, int defaultValue) {
        return Integer.parseInt(get(name, String.valueOf(defaultValue)));
    }

    private static Duration duration(String name, String defaultValue) {
        String value = get(name, defaultValue).toLowerCase();
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        return Duration.ofSeconds(Long.parseLong(value.endsWith("s") ? value.substring(0, value.length() - 1) : value));
    }

    private static List<Integer> integers(String name, String defaultValue) {
        return strings(name, defaultValue).stream().map(Integer::valueOf).toList();
    }

    private static List<String> strings(String name, String defaultValue) {
        String value = get(name, defaultValue);
        if (value.equalsIgnoreCase("none")) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
