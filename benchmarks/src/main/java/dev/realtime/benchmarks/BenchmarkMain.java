package dev.realtime.benchmarks;

import dev.realtime.testkit.KafkaBroker;
import dev.realtime.testkit.PostgresTestResource.TestDatabase;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point: prepares what Quarkus's configuration must point at (a throwaway database on the local
 * PostgreSQL server, an embedded KRaft broker in this JVM), then runs {@link BenchmarkApp} under Quarkus,
 * drops the database and exits with the application's exit code.
 */
@QuarkusMain
public final class BenchmarkMain {
    // Strong references: JUL keeps loggers weakly, a collected logger would forget its level.
    private static final Logger[] QUIET = {
            Logger.getLogger("kafka"), Logger.getLogger("org.apache.kafka"), Logger.getLogger("state.change.logger"),
            Logger.getLogger("io.smallrye.reactive.messaging.kafka"), Logger.getLogger("org.apache.kafka.controller") };

    private BenchmarkMain() {
    }

    public static void main(String... args) {
        // The broker starts before Quarkus configures logging: keep its INFO start-up chatter out.
        for (Logger logger : QUIET) {
            logger.setLevel(logger.getName().endsWith("controller") ? Level.SEVERE : Level.WARNING);
        }
        long start = System.nanoTime();
        System.out.println("Preparing: fresh PostgreSQL database, embedded Kafka broker ...");
        TestDatabase database = TestDatabase.create("bench");
        int[] exitCode = { 1 };
        try {
            String bootstrap = KafkaBroker.bootstrapServers();
            for (Map.Entry<String, String> property : database.quarkusProperties().entrySet()) {
                System.setProperty(property.getKey(), property.getValue());
            }
            System.setProperty("kafka.bootstrap.servers", bootstrap);
            System.setProperty("bench.database", database.name());
            System.out.printf("Database %s, Kafka %s, ready in %.1f s%n", database.name(), bootstrap,
                    (System.nanoTime() - start) / 1e9);
            Quarkus.run(BenchmarkApp.class, (code, failure) -> {
                exitCode[0] = code;
                if (failure != null) {
                    failure.printStackTrace();
                }
            }, args);
        } finally {
            database.drop();
        }
        System.out.printf("Done in %.0f s (database %s dropped)%n", (System.nanoTime() - start) / 1e9, database.name());
        System.exit(exitCode[0]);
    }
}
