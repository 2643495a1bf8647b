package io.meanstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StallsTest {

    @Test
    void slowImagesCloseInTimeFormOneStallAndTheWorstComesFirst() {
        // image times (ms) out of order; two clusters of slow images (>100 ms) and fast images between them
        long[] at = {1_000, 1_020, 1_010, 1_500, 3_000, 3_030, 3_090, 2_000};
        double[] latency = {150, 180, 120, 20, 400, 90, 300, 30};
        List<Stalls.Stall> stalls = Stalls.find(at, latency, 100, 50);
        // 3,000 and 3,090 are slow but 90 ms apart, more than the 50 ms gap: two stalls of one image each
        assertEquals(List.of(new Stalls.Stall(3_000, 3_000, 1, 400), new Stalls.Stall(3_090, 3_090, 1, 300),
                new Stalls.Stall(1_000, 1_020, 3, 180)), stalls);
    }

    @Test
    void theGapBetweenSlowImagesDecidesNotTheFastOnesBetween() {
        long[] at = {0, 20, 40, 90};
        double[] latency = {200, 10, 250, 220};
        List<Stalls.Stall> stalls = Stalls.find(at, latency, 100, 50);
        assertEquals(List.of(new Stalls.Stall(0, 90, 3, 250)), stalls);
        assertEquals(340, stalls.get(0).windowEndMs());
    }

    @Test
    void noSlowImageNoStall() {
        assertTrue(Stalls.find(new long[] {1, 2}, new double[] {5, 100}, 100, 50).isEmpty());
    }
}
