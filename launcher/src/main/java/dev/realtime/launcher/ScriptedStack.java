package dev.realtime.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.jose4j.json.JsonUtil;

/**
 * A test stack for test runners outside the JVM (the JavaScript SDK's tests, browser tests): starts
 * {@link StackConfig#forTests()} (free ports, fresh databases dropped at the end; {@code STACK_SERVICES},
 * {@code STACK_TOKEN_LIFETIME} and the other settings still apply), then takes one command per line on stdin.
 *
 * <pre>
 * stdout  STACK-READY {"demoUrl":"http://localhost:41240","issuerUrl":...,"tokenEndpoint":...,"edgeWsUrl":...}
 * stdin   kill realtime-edge      SIGKILL one service (a crash)
 *         stop realtime-edge      SIGTERM one service (graceful shutdown)
 *         restart realtime-edge   start it again on the same port; answered once it is ready
 *         quit                    stop everything (so does the end of stdin: a runner that dies takes the stack with it)
 * stdout  STACK-OK &lt;command&gt;   or   STACK-ERROR &lt;command&gt;: &lt;reason&gt;
 * </pre>
 * Only the lines starting with {@code STACK-} belong to this protocol; logs go to stderr.
 */
public final class ScriptedStack {

    private ScriptedStack() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("org.jboss.logging.provider", "slf4j");
        PrintStream out = System.out;
        StackConfig config;
        try {
            config = StackConfig.forTests();
        } catch (IllegalArgumentException e) {
            out.println("STACK-ERROR start: bad setting: " + oneLine(e.getMessage()));
            System.exit(2);
            return;
        }
        // The launcher's console output is for humans; this process's stdout is the protocol.
        LocalStack stack = new LocalStack(config, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "scripted-stack-shutdown"));
        try {
            stack.startComponents();
        } catch (RuntimeException e) {
            out.println("STACK-ERROR start: " + oneLine(String.valueOf(e.getMessage())));
            out.flush();
            System.exit(1);
            return;
        }
        out.println("STACK-READY " + describe(stack));
        out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.trim();
            if (command.isEmpty()) {
                continue;
            }
            if (command.equals("quit")) {
                break;
            }
            try {
                run(stack, command);
                out.println("STACK-OK " + command);
            } catch (RuntimeException e) {
                out.println("STACK-ERROR " + command + ": " + oneLine(String.valueOf(e.getMessage())));
            }
            out.flush();
        }
        stack.close();
        System.exit(0);
    }

    private static void run(LocalStack stack, String command) {
        String[] parts = command.split("\\s+", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected '<kill|stop|restart> <service>'");
        }
        Optional<StackService> service = StackService.byName(parts[1]);
        if (service.isEmpty()) {
            throw new IllegalArgumentException("unknown service " + parts[1]);
        }
        switch (parts[0]) {
            case "kill" -> stack.stop(service.get(), true);
            case "stop" -> stack.stop(service.get(), false);
            case "restart" -> stack.restart(service.get());
            default -> throw new IllegalArgumentException("unknown command " + parts[0]);
        }
    }

    static String describe(LocalStack stack) {
        StackConfig config = stack.config();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("demoUrl", stack.demoUrl());
        fields.put("mailUrl", stack.mailUrl());
        fields.put("issuerUrl", stack.issuerUrl());
        fields.put("tokenEndpoint", stack.tokenEndpoint());
        fields.put("webClientId", config.webClientId());
        fields.put("kafkaBootstrapServers", stack.kafkaBootstrapServers());
        for (StackService service : config.services()) {
            fields.put(service.module(), stack.url(service));
        }
        if (config.services().contains(StackService.EDGE)) {
            fields.put("edgeWsUrl", stack.edgeWsUrl() + "/ws");
        }
        fields.put("logDir", config.logDir().toString());
        fields.put("tokenLifetimeSeconds", Long.toString(config.tokenLifetime().toSeconds()));
        return JsonUtil.toJson(fields);
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " | ");
    }
}
