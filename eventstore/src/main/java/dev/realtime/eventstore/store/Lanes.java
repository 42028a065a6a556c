package dev.realtime.eventstore.store;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Turns per key within this instance: at most one piece of work per key runs at a time, the others wait in arrival
 * order, and one that waits longer than its limit fails instead of running. {@link CommandRunner} queues the
 * writers of one stream here before they queue for the stream's turn in PostgreSQL, so that a crowd on one stream
 * parks one pool connection per instance in PostgreSQL's queue, not one per writer.
 *
 * <p>Why not Vert.x's local lock: it grants the lock by completing a future, whoever still listens. A waiter whose
 * caller went away (HTTP client closed, request cancelled) is granted the lock all the same and nobody releases it:
 * the key then stays locked for good, and every later waiter times out (issue 16). Here the lane, not the caller,
 * passes the turn on, exactly once per turn, whatever ends it: the work's item or failure, the caller cancelling
 * while it waits, or the wait running out. A turn that ends while waiting leaves the queue at once, so that a
 * stream whose running turn is stuck keeps no more than the callers still waiting for it. A caller that cancels
 * while its work runs is answered no more, but its work is not cancelled: it keeps the lane until it ends, because
 * it may still hold what the lane stands for (a connection waiting for the stream's turn in PostgreSQL, which the
 * next turn would otherwise park beside it); the work learns of the cancellation on its own ({@link CommandRunner}
 * rolls its transaction back). All state changes happen under one monitor, with nothing but bookkeeping inside it.
 */
final class Lanes {
    /**
     * A turn waits, then starts (its work being subscribed), runs, and is done; cancelled while it starts or runs, it
     * runs on unanswered ({@code CANCELLED_STARTING}, {@code ABANDONED}). Who passes the lane on: the work's end while
     * it starts or runs, answered or not; {@link Turn#subscribe} when it was cancelled before its work was
     * subscribed; {@link #start} when the turn came up already done (cancelled or timed out while waiting).
     */
    private enum State { WAITING, STARTING, CANCELLED_STARTING, RUNNING, ABANDONED, DONE }

    /** The lanes with a turn running; a key is here exactly while one turn holds it. Guarded by {@code this}. */
    private final Map<String, ArrayDeque<Turn<?>>> lanes = new HashMap<>();

    /** Whether a turn of {@code key} runs or waits now. */
    synchronized boolean busy(String key) {
        return lanes.containsKey(key);
    }

    /** Lanes with a turn running or waiting: none once the work is done (what the tests check). */
    synchronized int size() {
        return lanes.size();
    }

    /** Turns of {@code key} queued behind the running one (what the tests check). */
    synchronized int queued(String key) {
        ArrayDeque<Turn<?>> waiting = lanes.get(key);
        return waiting == null ? 0 : waiting.size();
    }

    /**
     * {@code work}, subscribed when its turn comes; fails with {@code tooLong} when the turn has not come within
     * {@code wait}. Cancelling the returned Uni while waiting gives the turn up; while running, the work runs on,
     * unanswered, and passes the turn on when it ends.
     */
    <T> Uni<T> inTurn(String key, Duration wait, Supplier<RuntimeException> tooLong, Uni<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            Turn<T> turn = new Turn<>(key, work, emitter, tooLong, Vertx.currentContext());
            // Also called after the turn completes the emitter: then it is already DONE and does nothing.
            emitter.onTermination(turn::cancel);
            boolean first;
            synchronized (this) {
                if (turn.state != State.WAITING) {
                    // Cancelled as it subscribed (onTermination ran the cancel at once): it never joins the lane.
                    return;
                }
                ArrayDeque<Turn<?>> waiting = lanes.get(key);
                first = waiting == null;
                if (first) {
                    lanes.put(key, new ArrayDeque<>());
                } else {
                    waiting.add(turn);
                    turn.timer = Infrastructure.getDefaultWorkerPool().schedule(turn::timeOut,
                            Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
                }
            }
            if (first) {
                start(turn);
            }
        });
    }

    /** Runs {@code turn}, or when it already ended (cancelled, timed out), passes the lane on to the next. */
    private void start(Turn<?> turn) {
        for (Turn<?> next = turn; next != null; ) {
            if (next.begin()) {
                return;
            }
            next = handOn(next.key);
        }
    }

    /** Called once by the turn holding {@code key}, when it ends: the next waiting turn, or null and the lane is free. */
    private Turn<?> handOn(String key) {
        synchronized (this) {
            ArrayDeque<Turn<?>> waiting = lanes.get(key);
            Turn<?> next = waiting.poll();
            if (next == null) {
                lanes.remove(key);
            }
            return next;
        }
    }

    private void release(String key) {
        Turn<?> next = handOn(key);
        if (next != null) {
            start(next);
        }
    }

    private final class Turn<T> {
        final String key;
        final Uni<T> work;
        final UniEmitter<? super T> emitter;
        final Supplier<RuntimeException> tooLong;
        final Context context;
        State state = State.WAITING;
        Future<?> timer;

        Turn(String key, Uni<T> work, UniEmitter<? super T> emitter, Supplier<RuntimeException> tooLong,
                Context context) {
            this.key = key;
            this.work = work;
            this.emitter = emitter;
            this.tooLong = tooLong;
            this.context = context;
        }

        /** Takes the turn: false when this turn already ended, and then the caller passes the lane on. */
        boolean begin() {
            synchronized (Lanes.this) {
                if (state != State.WAITING) {
                    return false;
                }
                state = State.STARTING;
                if (timer != null) {
                    timer.cancel(false);
                }
            }
            // On the caller's own Vert.x context, as its request would have run.
            onContext(this::subscribe);
            return true;
        }

        private void subscribe() {
            boolean cancelledBefore;
            synchronized (Lanes.this) {
                cancelledBefore = state == State.CANCELLED_STARTING;
                if (cancelledBefore) {
                    state = State.DONE;
                }
            }
            if (cancelledBefore) {
                release(key);
                return;
            }
            work.subscribe().with(this::succeeded, this::failed);
            synchronized (Lanes.this) {
                if (state == State.STARTING) {
                    state = State.RUNNING;
                } else if (state == State.CANCELLED_STARTING) {
                    state = State.ABANDONED;
                }
                // else DONE: the work already ended (synchronously) and passed the lane on.
            }
        }

        // The answer goes out on the caller's context too: the work may end elsewhere (a retry's pause, a pool).
        private void succeeded(T item) {
            if (end()) {
                onContext(() -> emitter.complete(item));
            }
        }

        private void failed(Throwable failure) {
            if (end()) {
                onContext(() -> emitter.fail(failure));
            }
        }

        /** The work ended: passes the lane on (once); true when its caller still waits for the answer. */
        private boolean end() {
            boolean answer;
            synchronized (Lanes.this) {
                answer = state == State.RUNNING || state == State.STARTING;
                if (!answer && state != State.ABANDONED && state != State.CANCELLED_STARTING) {
                    return false;
                }
                state = State.DONE;
            }
            release(key);
            return answer;
        }

        void timeOut() {
            synchronized (Lanes.this) {
                if (state != State.WAITING) {
                    return;
                }
                state = State.DONE;
                leaveQueue();
            }
            onContext(() -> emitter.fail(tooLong.get()));
        }

        void cancel() {
            synchronized (Lanes.this) {
                switch (state) {
                    case WAITING -> {
                        state = State.DONE;
                        if (timer != null) {
                            timer.cancel(false);
                        }
                        leaveQueue();
                    }
                    case STARTING -> state = State.CANCELLED_STARTING;
                    // The work runs on and passes the lane on when it ends.
                    case RUNNING -> state = State.ABANDONED;
                    default -> {
                    }
                }
            }
        }

        /**
         * Under the monitor. Nothing to remove for a turn that is not in the queue: the first turn of a lane (never
         * queued), or one {@link #handOn} has just taken from it; either may end before it begins, and then
         * {@link #start} passes the lane on. Timeouts come in queue order (one wait for all), so their search ends at
         * the queue's head; a cancel searches the queue of its own stream.
         */
        private void leaveQueue() {
            ArrayDeque<Turn<?>> waiting = lanes.get(key);
            if (waiting != null) {
                waiting.removeFirstOccurrence(this);
            }
        }

        private void onContext(Runnable action) {
            if (context == null || Vertx.currentContext() == context) {
                action.run();
            } else {
                context.runOnContext(ignored -> action.run());
            }
        }
    }
}
