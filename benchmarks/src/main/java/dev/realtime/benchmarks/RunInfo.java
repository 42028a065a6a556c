package dev.realtime.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * When a harness run started, where it ran and with which settings: what every result file begins with, so that a
 * file read later says what its figures came from. Also writes the pair of result files, JSON and Markdown, in the
 * one layout the harnesses share (benchmarks/README.md).
 */
public record RunInfo(OffsetDateTime started, Map<String, Object> environment, Map<String, Object> settings) {

    /** The two files one run wrote. */
    public record ResultFiles(Path json, Path markdown) {
    }

    /** {@code # <title>, <start time>}, then the environment and the settings, as the Markdown file begins. */
    public String markdownHead(String title) {
        return "# " + title + ", " + started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + "\n\nEnvironment: "
                + environment + "\n\nSettings: " + settings + "\n\n";
    }

    /**
     * Writes {@code <prefix><UTC start, yyyyMMdd-HHmmss>.json} and {@code .md} into {@code dir} (created if need be).
     * The JSON object holds {@code started}, {@code environment} and {@code settings}, then {@code results} in its
     * iteration order (a {@link LinkedHashMap} keeps the caller's).
     */
    public ResultFiles write(Path dir, String prefix, Map<String, Object> results, String markdown) throws IOException {
        Files.createDirectories(dir);
        String stamp = started.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("started", started.toString());
        json.put("environment", environment);
        json.put("settings", settings);
        json.putAll(results);
        Path jsonFile = dir.resolve(prefix + stamp + ".json");
        Path mdFile = dir.resolve(prefix + stamp + ".md");
        Files.write(jsonFile, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json));
        Files.writeString(mdFile, markdown, StandardCharsets.UTF_8);
        return new ResultFiles(jsonFile, mdFile);
    }
}
