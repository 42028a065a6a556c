package dev.realtime.edge.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-connection token bucket, on a clock the test moves: nothing here depends on the machine's speed. */
class InboundBudgetTest {
    private long now = -5_000_000_000L; // System.nanoTime() may be negative too

    private InboundBudget.Rate rate(int framesPerSecond, int burst) {
        return new InboundBudget.Rate(framesPerSecond, burst, () -> now);
    }

    private void advanceMillis(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void aFullBudgetTakesABurstThenCountsRefusalsInARow() {
        InboundBudget budget = rate(1, 3).newBudget();
        for (int frame = 0; frame < 3; frame++) {
            assertEquals(0, budget.take(), "frame " + frame + " of the burst was refused");
        }
        assertEquals(1, budget.take());
        assertEquals(2, budget.take());
        advanceMillis(999);
        assertEquals(3, budget.take(), "a frame came back before a second had passed");
        advanceMillis(1);
        assertEquals(0, budget.take(), "a second's frame did not come back");
        assertEquals(1, budget.take(), "a refusal after a frame taken is the first in a row again");
    }

    @Test
    void aLongSilenceRefillsNoMoreThanTheBurst() {
        InboundBudget budget = rate(10, 5).newBudget();
        for (int frame = 0; frame < 5; frame++) {
            budget.take();
        }
        advanceMillis(60_000);
        int taken = 0;
        while (budget.take() == 0) {
            taken++;
        }
        assertEquals(5, taken);
    }

    @Test
    void aSteadySenderGetsTheRateOnAverage() {
        InboundBudget budget = rate(20, 10).newBudget();
        int taken = 0;
        // 100 frames a second for 10 s against 20 a second with bursts of 10.
        for (int tick = 0; tick < 1_000; tick++) {
            if (budget.take() == 0) {
                taken++;
            }
            advanceMillis(10);
        }
        // The burst, then one frame per 50 ms for the 9.99 s after the first frame: 10 + 199.
        assertEquals(10 + 199, taken);
    }

    @Test
    void eachConnectionSpendsItsOwnBudget() {
        InboundBudget.Rate rate = rate(1, 3);
        InboundBudget first = rate.newBudget();
        InboundBudget second = rate.newBudget();
        for (int frame = 0; frame < 3; frame++) {
            first.take();
        }
        assertEquals(1, first.take());
        for (int frame = 0; frame < 3; frame++) {
            assertEquals(0, second.take(), "another connection's frames were counted against this one");
        }
    }

    @Test
    void limitsBelowOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new InboundBudget.Rate(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new InboundBudget.Rate(3, 0));
    }
}
