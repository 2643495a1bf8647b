package io.meanstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meanstream.ops.ServiceMetrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Quantiles of a load phase from two /metrics snapshots of the app's own histograms. */
class StageHistogramsTest {

    @Test
    void quantilesComeFromTheObservationsBetweenTwoSnapshots() {
        try (ServiceMetrics metrics = new ServiceMetrics()) {
            Timer queue = metrics.meters().timer("streams.queue", "q", 0.001, 0.01, 0.1, 1);
            for (int i = 0; i < 1000; i++) {
                queue.record(Duration.ofMillis(500)); // before the phase: must not count
            }
            StageHistograms before = StageHistograms.parse(metrics.scrape());
            for (int i = 0; i < 98; i++) {
                queue.record(Duration.ofMillis(5));
            }
            queue.record(Duration.ofMillis(50));
            queue.record(Duration.ofSeconds(5)); // beyond the last finite bound
            StageHistograms after = StageHistograms.parse(metrics.scrape());

            assertEquals(10.0, after.quantileMsSince(before, StageHistograms.Stage.QUEUE, 0.5), 1e-9);
            assertEquals(100.0, after.quantileMsSince(before, StageHistograms.Stage.QUEUE, 0.99), 1e-9);
            assertEquals(Double.POSITIVE_INFINITY, after.quantileMsSince(before, StageHistograms.Stage.QUEUE, 1.0));
            assertTrue(Double.isNaN(after.quantileMsSince(before, StageHistograms.Stage.BATCH_WAIT, 0.5)), "no observations");
        }
    }
}
