package io.meanstream.streams.scoring;

import io.meanstream.image.ImageLimits;
import io.meanstream.records.PredictionFormat;
import java.time.Duration;

/**
 * Micro-batching and safety bounds of the scoring processor.
 *
 * @param batchSize images per ONNX Runtime call at most
 * @param maxWait a partial batch is scored once this much wall-clock time has passed
 * @param maxPending images that may wait for the first model; beyond it they become dead letters (kept, not lost)
 * @param predictionFormat how predictions are written: Avro, or JSON for consumers without Avro
 */
public record ScoringOptions(int batchSize, Duration maxWait, int maxPending, ImageLimits limits, PredictionFormat predictionFormat) {

    public ScoringOptions {
        if (batchSize < 1 || maxPending < batchSize) {
            throw new IllegalArgumentException("need batchSize >= 1 and maxPending >= batchSize");
        }
        java.util.Objects.requireNonNull(predictionFormat, "predictionFormat");
    }

    /** Predictions in Avro. */
    public ScoringOptions(int batchSize, Duration maxWait, int maxPending, ImageLimits limits) {
        this(batchSize, maxWait, maxPending, limits, PredictionFormat.AVRO);
    }
}
