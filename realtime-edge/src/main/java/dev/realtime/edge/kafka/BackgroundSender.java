package dev.realtime.edge.kafka;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends records for callers on event loops. {@code KafkaProducer.send} blocks while it has no metadata for the topic
 * (a broker outage, say), so sends go through one thread of their own, behind a bounded queue: when Kafka is away,
 * records are dropped and reported, not hoarded.
 */
public final class BackgroundSender {
    /** What became of each record; called on the sender's or the producer's thread. */
    public interface Outcomes {
        void published(ProducerRecord<String, byte[]> record);

        /** The queue was full: the record was never handed to the producer. */
        void dropped(ProducerRecord<String, byte[]> record);

        void failed(ProducerRecord<String, byte[]> record, Exception failure);
    }

    private final KafkaProducer<String, byte[]> producer;
    private final Outcomes outcomes;
    private final ThreadPoolExecutor thread;

    public BackgroundSender(String threadName, KafkaProducer<String, byte[]> producer, int capacity,
            Outcomes outcomes) {
        this.producer = producer;
        this.outcomes = outcomes;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                runnable -> new Thread(runnable, threadName), (runnable, executor) -> {
                    if (!executor.isShutdown() && runnable instanceof Send send) {
                        outcomes.dropped(send.record);
                    }
                });
    }

    public void send(ProducerRecord<String, byte[]> record) {
        thread.execute(new Send(record));
    }

    /** Work that must not run on the caller's thread either (creating a topic, say), queued with the records. */
    public void execute(Runnable task) {
        thread.execute(task);
    }

    /** Lets what is queued out for at most {@code drain}, then closes the producer. */
    public void close(Duration drain) throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS);
        producer.close(Duration.ofSeconds(2));
    }

    private final class Send implements Runnable {
        final ProducerRecord<String, byte[]> record;

        Send(ProducerRecord<String, byte[]> record) {
            this.record = record;
        }

        @Override
        public void run() {
            try {
                producer.send(record, (metadata, failure) -> {
                    if (failure != null) {
                        outcomes.failed(record, failure);
                    } else {
                        outcomes.published(record);
                    }
                });
            } catch (RuntimeException e) {
                outcomes.failed(record, e);
            }
        }
    }
}
