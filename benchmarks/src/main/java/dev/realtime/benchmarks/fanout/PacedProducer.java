package dev.realtime.benchmarks.fanout;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Sends events at a steady rate from its own thread, each to one uniformly random room, and counts what it sent per
 * room. The pacing catches up in small bursts when the thread was held up, so the rate is kept on average without a
 * timer per event (the same rule as the Socket.IO side's emitter.mjs).
 */
final class PacedProducer {
    private final String[] rooms;
    private final BiConsumer<String, Long> send;
    private Thread thread;
    private volatile boolean running;
    private long[] perRoom;

    /** {@code send} gets the room and the event's per-room counter in this run (1, 2, ...). */
    PacedProducer(String[] rooms, BiConsumer<String, Long> send) {
        this.rooms = rooms;
        this.send = send;
    }

    void start(double eventsPerSecond) {
        stop();
        long[] counts = new long[rooms.length];
        perRoom = counts;
        running = true;
        thread = new Thread(() -> {
            SplittableRandom random = new SplittableRandom();
            long begin = System.nanoTime();
            long sent = 0;
            while (running) {
                long due = (long) ((System.nanoTime() - begin) / 1e9 * eventsPerSecond);
                if (sent >= due) {
                    LockSupport.parkNanos(100_000);
                    continue;
                }
                for (long catchUp = Math.min(due - sent, 1_000); catchUp > 0 && running; catchUp--) {
                    int room = random.nextInt(rooms.length);
                    send.accept(rooms[room], ++counts[room]);
                    sent++;
                }
            }
        }, "fanout-producer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops sending and returns how many events went to each room since {@link #start}. */
    Map<String, Long> stop() {
        if (thread == null) {
            return Map.of();
        }
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < rooms.length; i++) {
            counts.put(rooms[i], perRoom[i]);
        }
        return counts;
    }
}
