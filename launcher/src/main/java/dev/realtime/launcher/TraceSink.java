package dev.realtime.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A trace collector for the local stack and the end-to-end tests, where no Jaeger runs: it takes the services' spans
 * over OTLP/HTTP (protobuf) on 127.0.0.1, keeps the latest traces in memory and shows each as a tree, with every span's
 * service, name, start offset and duration ({@code GET /traces}, {@code GET /traces/<trace id>}). For a real
 * deployment, the services export to an OpenTelemetry collector or Jaeger instead (docs/deployment.md, "Tracing").
 */
public final class TraceSink implements AutoCloseable {
    /** One finished span as a service exported it. */
    public record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
            String kind, long startNanos, long endNanos, Map<String, String> attributes) {

        public double durationMillis() {
            return (endNanos - startNanos) / 1e6;
        }
    }

    private static final int MAX_TRACES = 1_000;
    private static final int MAX_SPANS_PER_TRACE = 5_000;
    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    /** By trace id, oldest first; the oldest trace goes when {@link #MAX_TRACES} are kept. */
    private final Map<String, List<ExportedSpan>> traces = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<ExportedSpan>> eldest) {
            return size() > MAX_TRACES;
        }
    };

    private TraceSink(HttpServer server) {
        this.server = server;
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free port). */
    public static TraceSink start(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            TraceSink sink = new TraceSink(server);
            server.createContext("/v1/traces", sink::receive);
            server.createContext("/traces", sink::show);
            server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "trace-sink");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for traces on 127.0.0.1:" + port, e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The settings that switch a service's tracing on and send its spans here (at most a few hundred ms late). */
    public List<String> serviceJvmOptions(double samplerRatio) {
        return List.of("-Dquarkus.otel.sdk.disabled=false",
                "-Dquarkus.otel.exporter.otlp.traces.protocol=http/protobuf",
                "-Dquarkus.otel.exporter.otlp.traces.endpoint=" + url() + "/v1/traces",
                "-Dquarkus.otel.traces.sampler.arg=" + samplerRatio,
                "-Dquarkus.otel.bsp.schedule.delay=PT0.2S");
    }

    /** The spans of one trace received so far, by start time. */
    public synchronized List<ExportedSpan> trace(String traceId) {
        List<ExportedSpan> spans = new ArrayList<>(traces.getOrDefault(traceId, List.of()));
        spans.sort(Comparator.comparingLong(ExportedSpan::startNanos));
        return spans;
    }

    /**
     * The trace as an indented tree: each span under its parent, with its service, name, start offset from the trace's
     * first span and duration. A span whose parent was not received is shown at the top level.
     */
    public String render(String traceId) {
        List<ExportedSpan> spans = trace(traceId);
        if (spans.isEmpty()) {
            return "no spans of trace " + traceId + "\n";
        }
        long start = spans.get(0).startNanos();
        Map<String, List<ExportedSpan>> children = new TreeMap<>();
        List<ExportedSpan> roots = new ArrayList<>();
        for (ExportedSpan span : spans) {
            if (spans.stream().anyMatch(other -> other.spanId().equals(span.parentSpanId()))) {
                children.computeIfAbsent(span.parentSpanId(), id -> new ArrayList<>()).add(span);
            } else {
                roots.add(span);
            }
        }
        StringBuilder out = new StringBuilder("trace " + traceId + " (" + spans.size() + " spans)\n");
        for (ExportedSpan root : roots) {
            render(out, root, children, start, 0);
        }
        return out.toString();
    }

    private static void render(StringBuilder out, ExportedSpan span, Map<String, List<ExportedSpan>> children,
            long start, int depth) {
        out.append(String.format("%-60s %-22s +%8.1f ms %8.1f ms%n", "  ".repeat(depth) + span.name() + " ["
                + span.kind() + "]", span.service(), (span.startNanos() - start) / 1e6, span.durationMillis()));
        for (ExportedSpan child : children.getOrDefault(span.spanId(), List.of())) {
            render(out, child, children, start, depth + 1);
        }
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            ExportTraceServiceRequest request;
            try {
                request = ExportTraceServiceRequest.parseFrom(body);
            } catch (IOException e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            keep(request);
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private synchronized void keep(ExportTraceServiceRequest request) {
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            String service = attributes(resourceSpans.getResource()).getOrDefault("service.name", "?");
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                    String traceId = HEX.formatHex(span.getTraceId().toByteArray());
                    List<ExportedSpan> trace = traces.computeIfAbsent(traceId, id -> new ArrayList<>());
                    if (trace.size() < MAX_SPANS_PER_TRACE) {
                        trace.add(new ExportedSpan(service, traceId, HEX.formatHex(span.getSpanId().toByteArray()),
                                HEX.formatHex(span.getParentSpanId().toByteArray()), span.getName(),
                                span.getKind().name().replace("SPAN_KIND_", ""), span.getStartTimeUnixNano(),
                                span.getEndTimeUnixNano(), attributes(span.getAttributesList())));
                    }
                }
            }
        }
    }

    private void show(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String text;
            if (path.equals("/traces") || path.equals("/traces/")) {
                StringBuilder list = new StringBuilder();
                synchronized (this) {
                    traces.forEach((id, spans) -> list.append(id).append("  ").append(spans.size()).append(" spans  ")
                            .append(spans.stream().min(Comparator.comparingLong(ExportedSpan::startNanos))
                                    .map(span -> span.service() + " " + span.name()).orElse("")).append('\n'));
                }
                text = list.toString();
            } else {
                text = render(path.substring("/traces/".length()));
            }
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static Map<String, String> attributes(Resource resource) {
        return attributes(resource.getAttributesList());
    }

    private static Map<String, String> attributes(List<KeyValue> values) {
        Map<String, String> attributes = new TreeMap<>();
        for (KeyValue value : values) {
            attributes.put(value.getKey(), text(value.getValue()));
        }
        return attributes;
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            default -> value.toString().strip();
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
