package dev.realtime.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Grafana dashboard in deploy/grafana, read as an operator's Prometheus would: each panel's PromQL expressions,
 * and in each the metrics it selects (with their label matchers) and the labels it groups by. Enough PromQL for
 * the dashboard's own expressions (selectors, ranges, {@code by (...)}, functions), not a full parser.
 */
record Dashboard(JsonNode json, List<Query> queries) {
    static final Path FILE = DeploymentFilesTest.ROOT.resolve("deploy/grafana/dashboards/realtime-backbone.json");

    /** One metric selector of an expression: {@code name{label="value", ...}}. */
    record Selector(String metric, Map<String, String> matchers) {
    }

    /** One expression of one panel. */
    record Query(String panel, String expr, List<Selector> selectors, Set<String> groupedBy) {
    }

    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    /** An identifier, its optional matchers, and whether a parenthesis follows (then it is a function). */
    private static final Pattern IDENTIFIER = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?(\\s*\\()?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!=|!~|=)\\s*\"([^\"]*)\"");

    static Dashboard read() throws IOException {
        JsonNode json = new ObjectMapper().readTree(FILE.toFile());
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : json.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(parse(panel.path("title").asText(), target.path("expr").asText()));
            }
        }
        return new Dashboard(json, queries);
    }

    static Query parse(String panel, String expr) {
        String rest = RANGE.matcher(expr).replaceAll(" ");
        Set<String> groupedBy = new LinkedHashSet<>();
        Matcher grouping = GROUPING.matcher(rest);
        while (grouping.find()) {
            for (String label : grouping.group(1).split(",")) {
                if (!label.isBlank()) {
                    groupedBy.add(label.trim());
                }
            }
        }
        rest = GROUPING.matcher(rest).replaceAll(" ");
        List<Selector> selectors = new ArrayList<>();
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            if (identifier.group(3) != null && identifier.group(2) == null) {
                continue; // a function or an aggregation: sum(...), rate(...)
            }
            Map<String, String> matchers = new LinkedHashMap<>();
            if (identifier.group(2) != null) {
                Matcher matcher = MATCHER.matcher(identifier.group(2));
                while (matcher.find()) {
                    matchers.put(matcher.group(1), matcher.group(2));
                }
            }
            selectors.add(new Selector(identifier.group(1), matchers));
        }
        return new Query(panel, expr, selectors, groupedBy);
    }

    /**
     * What a service's {@code /q/metrics} exposes (Prometheus text format): each series name with the label values
     * seen on it.
     */
    static Map<String, Map<String, Set<String>>> exposed(String exposition) {
        Map<String, Map<String, Set<String>>> series = new LinkedHashMap<>();
        Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+\\S+.*$");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (String text : exposition.split("\n")) {
            Matcher sample = line.matcher(text);
            if (text.startsWith("#") || !sample.matches()) {
                continue;
            }
            Map<String, Set<String>> labels = series.computeIfAbsent(sample.group(1), name -> new LinkedHashMap<>());
            if (sample.group(3) != null) {
                Matcher pair = label.matcher(sample.group(3));
                while (pair.find()) {
                    labels.computeIfAbsent(pair.group(1), name -> new LinkedHashSet<>()).add(pair.group(2));
                }
            }
        }
        return series;
    }
}
