package dev.realtime.faults;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * A single-node KRaft broker as its own OS process, so a test can {@code kill -9} it, stop it with SIGSTOP and
 * start it again on the same data. Everything that must survive a restart is fixed by the arguments: the client and
 * controller ports, the log directory and the cluster id (a second start finds the directory formatted with that id
 * and keeps its logs).
 *
 * <pre>java -cp &lt;test classpath&gt; dev.realtime.faults.KafkaBrokerMain &lt;port&gt; &lt;controllerPort&gt; &lt;logDir&gt; &lt;clusterId&gt;</pre>
 *
 * Prints {@code broker ready} once it listens.
 */
public final class KafkaBrokerMain {

    public static final String READY_LINE = "broker ready";
    static final int PARTITIONS = 3;

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        int controllerPort = Integer.parseInt(args[1]);
        Path logDir = Path.of(args[2]);
        String clusterId = args[3];
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaHost("localhost")
                .withKafkaPort(port)
                .withControllerPort(controllerPort)
                .withClusterId(clusterId)
                .withNodeId(1)
                .withDeleteLogDirsOnClose(false)
                .withAdditionalProperties(properties -> {
                    properties.put("log.dir", logDir.toString());
                    properties.put("log.dirs", logDir.toString());
                    properties.put("num.partitions", String.valueOf(PARTITIONS));
                    // One broker: the transaction log and the offsets topic must fit on it (transactional relays).
                    properties.put("offsets.topic.replication.factor", "1");
                    properties.put("transaction.state.log.replication.factor", "1");
                    properties.put("transaction.state.log.min.isr", "1");
                });
        broker.start();
        System.out.println(READY_LINE + " port=" + port + " logDir=" + logDir);
        System.out.flush();
        // Lives until killed; SIGTERM runs the JVM's shutdown hooks and closes the broker cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        new CountDownLatch(1).await();
    }
}
