package dev.realtime.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.realtime.contracts.events.Topics;

/**
 * {@code ./local-stack.sh}: the whole system on this machine with its defaults, until Ctrl-C.
 * Settings: see {@link StackConfig}.
 */
public final class Launcher {
    /** OTLP/HTTP's usual port, where {@code --tracing} collects the services' spans. */
    static final int TRACE_SINK_PORT = 4318;

    private Launcher() {
    }

    public static void main(String[] args) throws InterruptedException {
        // The embedded broker logs through jboss-logging; send it to the same SLF4J console as everything else.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        PrintStream out = System.out;

        StackConfig config;
        boolean tracing = false;
        try {
            config = StackConfig.defaults();
            for (String arg : args) {
                switch (arg) {
                    case "--clean" -> config = config.withClean(true);
                    case "--tracing" -> tracing = true;
                    default -> throw new IllegalArgumentException("unknown argument '" + arg
                            + "' (known: --clean, --tracing)");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("local stack: bad setting: " + e.getMessage());
            System.exit(2);
            return;
        }
        // --tracing: every request traced, the spans kept by a collector in this process (no Jaeger here).
        TraceSink traces = tracing ? TraceSink.start(TRACE_SINK_PORT) : null;
        if (traces != null) {
            List<String> options = new ArrayList<>(config.serviceJvmOptions());
            options.addAll(traces.serviceJvmOptions(1.0));
            config = config.withServiceJvmOptions(options);
        }

        LocalStack stack = new LocalStack(config, out);
        AtomicBoolean shuttingDown = new AtomicBoolean();
        // Registered before anything starts, so Ctrl-C during the start also stops what is already running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            if (stack.isClosed()) {
                return; // a failed start already cleaned up
            }
            out.println();
            out.println("Stopping the local stack ...");
            stack.close();
            out.println("Local stack stopped: services, issuer, mail sink and Kafka are down.");
        }, "local-stack-shutdown"));

        out.println("Starting the local stack" + (config.clean() ? " from empty databases and Kafka" : "")
                + "; service logs go to " + display(config.logDir()) + ", Kafka's data to "
                + display(config.kafkaDataDir()));
        try {
            stack.startComponents();
        } catch (RuntimeException e) {
            if (!shuttingDown.get()) {
                System.err.println();
                // LocalStackException messages are written for this console; anything else needs its type too.
                System.err.println("Local stack failed to start: "
                        + (e instanceof LocalStackException ? e.getMessage() : e));
                System.exit(1);
            }
            return;
        }
        printSummary(out, stack, traces);
        new CountDownLatch(1).await();
    }

    private static void printSummary(PrintStream out, LocalStack stack, TraceSink traces) {
        StackConfig config = stack.config();
        String row = "  %-22s %-36s %s%n";
        out.println();
        out.println("Local stack is up. DEVELOPMENT ONLY: anyone on this machine can sign in as a demo user.");
        out.println();
        out.printf(row, "COMPONENT", "ADDRESS", "DETAILS");
        out.printf(row, "demo app", stack.demoUrl(), "sign in as alice, bob, carol or dave; password = user name");
        out.printf(row, "postgresql", config.pgHost() + ":" + config.pgPort(), "databases "
                + String.join(", ", config.chatDatabase(), config.activityDatabase(), config.notificationDatabase()));
        out.printf(row, "kafka (embedded KRaft)", stack.kafkaBootstrapServers(), "topics " + String.join(", ",
                Topics.CHAT_EVENTS, Topics.ACTIVITY_EVENTS, Topics.NOTIFICATION_EVENTS, Topics.RECORDS_EVENTS,
                Topics.MEMBERSHIPS, Topics.SIGNALS));
        out.printf(row, "mail sink (smtp)", "127.0.0.1:" + config.mailPort(),
                "digest e-mails, shown at " + stack.mailUrl());
        boolean keycloak = config.identityProvider() == StackConfig.IdentityProvider.KEYCLOAK;
        out.printf(row, keycloak ? "keycloak" : "oidc issuer (dev only)", stack.issuerUrl(),
                "users alice (admin), bob, carol, dave; password = user name" + (keycloak ? "; console "
                        + "http://localhost:" + config.issuerPort() + "/admin (" + KeycloakServer.ADMIN_USER + "/"
                        + KeycloakServer.ADMIN_PASSWORD + ")" : ""));
        if (traces != null) {
            out.printf(row, "traces (otlp/http)", traces.url(), "every request's trace: " + traces.url() + "/traces");
        }
        for (StackService service : config.services()) {
            String websocket = service == StackService.EDGE ? "websocket " + stack.edgeWsUrl() + "/ws, " : "";
            out.printf(row, service.module(), stack.url(service), websocket + "log " + display(stack.logFile(service)));
        }
        out.println();
        out.println("Open the demo app: " + stack.demoUrl() + " (sign in with any demo user: alice, bob, carol,"
                + " dave; the password is the user name)");
        out.println("E-mails the stack sent (a user offline for 20 s with unread notifications gets a digest): "
                + stack.mailUrl());
        out.println("A token for alice:");
        out.println("  curl -s -d grant_type=password -d client_id=" + config.webClientId()
                + " -d username=alice -d password=alice " + stack.tokenEndpoint());
        out.println("A service token:");
        out.println("  curl -s -u " + DevOidcIssuer.SERVICE_CLIENT_ID + ":" + DevOidcIssuer.SERVICE_CLIENT_SECRET
                + " -d grant_type=client_credentials " + stack.tokenEndpoint());
        out.println();
        out.println("Ctrl-C stops everything.");
    }

    /** Relative to the working directory when inside it: shorter, and clickable in most terminals. */
    private static String display(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
    }
}
