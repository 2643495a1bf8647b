package io.meanstream.streams.scoring;

import io.meanstream.image.ImageLimits;
import java.time.Duration;

/**
 * Micro-batching and safety bounds of the scoring processor.
 *
 * @param batchSize images per ONNX Runtime call at most
 * @param maxWait a partial batch is scored once this much wall-clock time has passed
 * @param maxPending images that may wait for the first model; beyond it they become dead letters (kept, not lost)
 */
public record ScoringOptions(int batchSize, Duration maxWait, int maxPending, ImageLimits limits) {

    public ScoringOptions {
        if (batchSize < 1 || maxPending < batchSize) {
            throw new IllegalArgumentException("need batchSize >= 1 and maxPending >= batchSize");
        }
    }
}
