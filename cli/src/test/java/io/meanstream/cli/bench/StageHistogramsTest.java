package io.meanstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.ops.Metrics;
import org.junit.jupiter.api.Test;

/** Quantiles of a load phase from two /metrics snapshots of the app's own histograms. */
class StageHistogramsTest {

    @Test
    void quantilesComeFromTheObservationsBetweenTwoSnapshots() {
        Metrics metrics = new Metrics();
        Metrics.Histogram queue = metrics.histogram("streams_queue_seconds", "q", 0.001, 0.01, 0.1, 1);
        for (int i = 0; i < 1000; i++) {
            queue.observe(0.5); // before the phase: must not count
        }
        StageHistograms before = StageHistograms.parse(metrics.render());
        for (int i = 0; i < 98; i++) {
            queue.observe(0.005);
        }
        queue.observe(0.05);
        queue.observe(5); // beyond the last finite bound
        StageHistograms after = StageHistograms.parse(metrics.render());

        assertEquals(10.0, after.quantileMsSince(before, StageHistograms.Stage.QUEUE, 0.5), 1e-9);
        assertEquals(100.0, after.quantileMsSince(before, StageHistograms.Stage.QUEUE, 0.99), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, after.quantileMsSince(before, StageHistograms.Stage.QUEUE, 1.0));
        assertTrue(Double.isNaN(after.quantileMsSince(before, StageHistograms.Stage.BATCH_WAIT, 0.5)), "no observations");
    }
}
