package dev.realtime.eventstore.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The lane passes the turn on however a turn ends: its work's item or failure (also when its caller cancelled while
 * it ran), its caller cancelling while it waits, its wait running out. A lane that was not passed on shows as a later turn that never runs and
 * as a lane left behind ({@link Lanes#size()}).
 */
class LanesTest {
    private static final Duration LONG = Duration.ofMinutes(1);
    private static final String KEY = "conversation";

    private final Lanes lanes = new Lanes();

    /** Work that runs until the test ends it. */
    private static final class Work {
        final AtomicInteger started = new AtomicInteger();
        final AtomicBoolean cancelled = new AtomicBoolean();
        volatile UniEmitter<? super String> emitter;

        final Uni<String> uni = Uni.createFrom().emitter(e -> {
            started.incrementAndGet();
            e.onTermination(() -> { });
            emitter = e;
        }).onCancellation().invoke(() -> cancelled.set(true)).map(String.class::cast);

        boolean running() {
            return started.get() > 0;
        }
    }

    private UniAssertSubscriber<String> turn(Work work, Duration wait) {
        return lanes.inTurn(KEY, wait, () -> new IllegalStateException("busy"), work.uni)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    @Test
    void aTurnCancelledWhileWaitingNeverRunsAndTheNextDoes() {
        Work first = new Work();
        Work gone = new Work();
        Work next = new Work();
        UniAssertSubscriber<String> firstTurn = turn(first, LONG);
        UniAssertSubscriber<String> goneTurn = turn(gone, LONG);
        UniAssertSubscriber<String> nextTurn = turn(next, LONG);
        assertTrue(first.running());
        assertFalse(gone.running());

        goneTurn.cancel();
        first.emitter.complete("first");

        firstTurn.assertItem("first");
        assertFalse(gone.running(), "a cancelled turn never runs");
        assertTrue(next.running(), "the turn after a cancelled one runs");
        next.emitter.complete("next");
        nextTurn.assertItem("next");
        assertEquals(0, lanes.size());
        assertFalse(lanes.busy(KEY));
    }

    @Test
    void aTurnCancelledWhileRunningKeepsTheLaneUntilItsWorkEndsAndIsNotAnswered() {
        Work first = new Work();
        Work next = new Work();
        UniAssertSubscriber<String> firstTurn = turn(first, LONG);
        UniAssertSubscriber<String> nextTurn = turn(next, LONG);

        firstTurn.cancel();

        // The work may hold what the lane stands for (a connection waiting for the stream's turn): it runs on.
        assertFalse(first.cancelled.get(), "the running work was cancelled");
        assertFalse(next.running(), "the lane was passed on while the cancelled turn's work still ran");
        assertTrue(lanes.busy(KEY));
        first.emitter.complete("unanswered");
        assertTrue(next.running());
        next.emitter.complete("next");
        nextTurn.assertItem("next");
        assertEquals(0, lanes.size());
    }

    @Test
    void turnsThatEndWhileTheirLaneIsStuckLeaveItsQueue() {
        Work stuck = new Work();
        UniAssertSubscriber<String> stuckTurn = turn(stuck, LONG);
        List<UniAssertSubscriber<String>> gone = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            gone.add(turn(new Work(), LONG));
        }
        Work patient = new Work();
        UniAssertSubscriber<String> patientTurn = turn(patient, LONG);
        assertEquals(101, lanes.queued(KEY));
        gone.forEach(UniAssertSubscriber::cancel);
        // Callers whose wait runs out (how many are still queued at any moment depends on the machine's speed).
        List<UniAssertSubscriber<String>> late = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            late.add(turn(new Work(), Duration.ofMillis(5)));
        }
        late.forEach(turn -> turn.awaitFailure(Duration.ofSeconds(30)).assertFailedWith(IllegalStateException.class,
                "busy"));

        // While the running turn is stuck, only the caller still waiting is kept, not a turn per caller that left.
        assertEquals(1, lanes.queued(KEY));
        stuck.emitter.complete("stuck");
        stuckTurn.assertItem("stuck");
        assertTrue(patient.running());
        assertEquals(0, lanes.queued(KEY));
        patient.emitter.complete("patient");
        patientTurn.assertItem("patient");
        assertEquals(0, lanes.size());
    }

    @Test
    void aTurnCancelledAsItSubscribesNeverJoinsTheLane() {
        // The first turn of a lane, then one behind a running turn: neither is queued, runs or holds the lane.
        Work never = new Work();
        cancelledOnSubscribe(never);
        assertFalse(never.running());
        assertEquals(0, lanes.size());

        Work running = new Work();
        UniAssertSubscriber<String> runningTurn = turn(running, LONG);
        Work neverEither = new Work();
        cancelledOnSubscribe(neverEither);
        assertEquals(0, lanes.queued(KEY));
        running.emitter.complete("running");
        runningTurn.assertItem("running");
        assertFalse(neverEither.running());
        assertEquals(0, lanes.size());
    }

    private void cancelledOnSubscribe(Work work) {
        lanes.inTurn(KEY, LONG, () -> new IllegalStateException("busy"), work.uni).subscribe()
                .withSubscriber(new UniSubscriber<String>() {
                    @Override
                    public void onSubscribe(UniSubscription subscription) {
                        subscription.cancel();
                    }

                    @Override
                    public void onItem(String item) {
                    }

                    @Override
                    public void onFailure(Throwable failure) {
                    }
                });
    }

    @Test
    void aFailedTurnPassesTheLaneOn() {
        Work first = new Work();
        Work next = new Work();
        UniAssertSubscriber<String> firstTurn = turn(first, LONG);
        UniAssertSubscriber<String> nextTurn = turn(next, LONG);

        first.emitter.fail(new IllegalArgumentException("refused"));

        firstTurn.assertFailedWith(IllegalArgumentException.class, "refused");
        assertTrue(next.running());
        next.emitter.complete("next");
        nextTurn.assertItem("next");
        assertEquals(0, lanes.size());
    }

    @Test
    void aTurnThatWaitsTooLongFailsWithoutRunningAndTheLaneGoesOn() {
        Work first = new Work();
        Work late = new Work();
        Work after = new Work();
        UniAssertSubscriber<String> firstTurn = turn(first, LONG);
        UniAssertSubscriber<String> lateTurn = turn(late, Duration.ofMillis(20));
        UniAssertSubscriber<String> afterTurn = turn(after, LONG);

        lateTurn.awaitFailure(Duration.ofSeconds(30)).assertFailedWith(IllegalStateException.class, "busy");
        first.emitter.complete("first");

        firstTurn.assertItem("first");
        assertFalse(late.running(), "a turn that timed out never runs");
        assertTrue(after.running());
        after.emitter.complete("after");
        afterTurn.assertItem("after");
        assertEquals(0, lanes.size());

        // And a turn long after runs at once.
        Work later = new Work();
        turn(later, Duration.ofMillis(1));
        assertTrue(later.running());
        later.emitter.complete("later");
        assertEquals(0, lanes.size());
    }

    @Test
    void manyTurnsEndingEveryWayFromManyThreadsLeaveNoLaneBehindAndNeverRunTwoAtOnce() throws Exception {
        int turns = 2_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        ConcurrentLinkedQueue<UniAssertSubscriber<Integer>> subscribers = new ConcurrentLinkedQueue<>();
        CountDownLatch submitted = new CountDownLatch(turns);
        try {
            for (int i = 0; i < turns; i++) {
                int n = i;
                threads.execute(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    // Work that ends on another thread after a moment, with an item or a failure.
                    Uni<Integer> work = Uni.createFrom().deferred(() -> {
                        if (inside.incrementAndGet() > 1) {
                            overlap.incrementAndGet();
                        }
                        return Uni.createFrom().item(n).onItem().delayIt().by(Duration.ofMillis(random.nextInt(2)))
                                .onItem().transform(item -> {
                                    if (item % 7 == 0) {
                                        throw new IllegalArgumentException("refused");
                                    }
                                    return item;
                                });
                    }).onTermination().invoke(inside::decrementAndGet);
                    UniAssertSubscriber<Integer> subscriber = lanes.inTurn(KEY,
                                    Duration.ofMillis(random.nextInt(1, 50)), () -> new IllegalStateException("busy"),
                                    work)
                            .subscribe().withSubscriber(UniAssertSubscriber.create());
                    subscribers.add(subscriber);
                    if (random.nextInt(4) == 0) {
                        // Some callers go away, while waiting or while running.
                        try {
                            Thread.sleep(random.nextInt(3));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        subscriber.cancel();
                    }
                    submitted.countDown();
                });
            }
            assertTrue(submitted.await(2, TimeUnit.MINUTES));
            await().atMost(Duration.ofMinutes(2)).until(() -> lanes.size() == 0);
        } finally {
            threads.shutdownNow();
        }
        assertEquals(0, overlap.get(), "two turns of one lane ran at once");
        // Once everything ended, the lane takes a turn at once.
        Work after = new Work();
        turn(after, Duration.ofMillis(1));
        assertTrue(after.running());
        after.emitter.complete("after");
        assertEquals(0, lanes.size());
        List<UniAssertSubscriber<Integer>> all = new ArrayList<>(subscribers);
        assertEquals(turns, all.size());
    }
}
