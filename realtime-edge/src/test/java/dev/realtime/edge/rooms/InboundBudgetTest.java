package dev.realtime.edge.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Connections share their budget's configuration (a memory saving), never what they have spent of it. */
class InboundBudgetTest {

    @Test
    void eachConnectionSpendsItsOwnBudget() {
        InboundBudget.Rate rate = new InboundBudget.Rate(1, 3);
        InboundBudget first = rate.newBudget();
        InboundBudget second = rate.newBudget();
        for (int frame = 0; frame < 3; frame++) {
            assertEquals(0, first.take(), "a frame of the burst was refused");
        }
        // On a slow machine a frame may have been refilled in the meantime: spend until the first refusal.
        int refused = 0;
        for (int frame = 0; frame < 10 && refused == 0; frame++) {
            refused = first.take();
        }
        assertEquals(1, refused);

        for (int frame = 0; frame < 3; frame++) {
            assertEquals(0, second.take(), "another connection's frames were counted against this one");
        }
    }
}
