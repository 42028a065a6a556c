package dev.realtime.edge.kafka;

import java.time.Duration;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * A Kafka consumer's poll loop on its own thread for the life of the application: a failed step (a broker outage,
 * say) is logged and retried after a pause, and {@link #stop()} ends the loop through the consumer's
 * {@code wakeup()}, never by interrupting, which would also break the consumer's own {@code close()}.
 */
public final class ConsumerLoop {
    private static final Logger LOG = Logger.getLogger(ConsumerLoop.class);
    private static final Duration PAUSE = Duration.ofSeconds(1);

    /** One pass of the loop, typically one poll and the handling of what it returned. */
    public interface Step {
        void run() throws InterruptedException;
    }

    private final String threadName;
    private final String activity;
    private volatile boolean running = true;
    private volatile Runnable wakeup = () -> { };
    private Thread thread;

    /** {@code activity} names what the loop does in the retry warning, e.g. "Reading the event topics". */
    public ConsumerLoop(String threadName, String activity) {
        this.threadName = threadName;
        this.activity = activity;
    }

    /** Runs {@code body} on the loop's thread; the body opens its consumer and calls {@link #repeat}. */
    public void start(Runnable body) {
        thread = new Thread(body, threadName);
        thread.start();
    }

    /** Runs {@code step} until {@link #stop()}; {@code wakeupConsumer} ends a blocking call of the step's consumer. */
    public void repeat(Runnable wakeupConsumer, Step step) {
        wakeup = wakeupConsumer;
        while (running) {
            try {
                step.run();
            } catch (WakeupException | InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                LOG.warnf("%s failed, retrying: %s", activity, e.toString());
                try {
                    Thread.sleep(PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    break;
                }
            }
        }
    }

    public void stop() throws InterruptedException {
        running = false;
        wakeup.run();
        if (thread != null) {
            thread.join(5000);
        }
    }
}
