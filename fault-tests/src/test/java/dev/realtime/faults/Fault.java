package dev.realtime.faults;

import java.time.Duration;

import dev.realtime.launcher.LocalStack;
import dev.realtime.launcher.StackService;

/**
 * The faults of the suite. Each is injected mid-stream and undone; {@code ended} is called at the moment the fault is
 * over (a killed service is being started again, PostgreSQL answers again, the broker is being started again or
 * thawed): recovery is measured from there.
 */
enum Fault {
    EDGE_KILL("kill -9 realtime-edge, start it again") {
        @Override
        void inject(LocalStack stack, KafkaProcess kafka, Duration outage, Runnable ended) {
            killAndRestart(stack, StackService.EDGE, ended);
        }
    },
    CHAT_KILL("kill -9 chat-service, start it again") {
        @Override
        void inject(LocalStack stack, KafkaProcess kafka, Duration outage, Runnable ended) {
            killAndRestart(stack, StackService.CHAT, ended);
        }
    },
    NOTIFICATION_KILL("kill -9 notification-service, start it again") {
        @Override
        void inject(LocalStack stack, KafkaProcess kafka, Duration outage, Runnable ended) {
            killAndRestart(stack, StackService.NOTIFICATION, ended);
        }
    },
    POSTGRES_RESTART("restart the machine's PostgreSQL (pg_ctlcluster restart)") {
        @Override
        void inject(LocalStack stack, KafkaProcess kafka, Duration outage, Runnable ended) {
            try {
                MachinePostgres.restart();
            } finally {
                ended.run();
            }
        }
    },
    KAFKA_KILL("kill -9 the Kafka broker, start it again on its data after the outage") {
        @Override
        void inject(LocalStack stack, KafkaProcess kafka, Duration outage, Runnable ended) {
            kafka.kill();
            Faults.sleep(outage);
            ended.run();
            kafka.launch();
        }
    },
    KAFKA_PAUSE("SIGSTOP the Kafka broker, SIGCONT after the outage") {
        @Override
        void inject(LocalStack stack, KafkaProcess kafka, Duration outage, Runnable ended) {
            kafka.pause();
            try {
                Faults.sleep(outage);
            } finally {
                kafka.resume();
                ended.run();
            }
        }
    };

    final String description;

    Fault(String description) {
        this.description = description;
    }

    abstract void inject(LocalStack stack, KafkaProcess kafka, Duration outage, Runnable ended);

    private static void killAndRestart(LocalStack stack, StackService service, Runnable ended) {
        stack.stop(service, true);
        ended.run();
        stack.restart(service);
    }
}
