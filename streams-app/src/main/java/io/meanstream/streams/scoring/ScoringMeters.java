package io.meanstream.streams.scoring;

import io.meanstream.ops.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;

/**
 * The scoring processor's meters, registered once when the topology is built rather than per task, so that
 * /metrics has them (at zero) on every replica, also on one that holds no partition yet.
 */
final class ScoringMeters {

    final Timer scoring;
    final DistributionSummary batchSize;
    final Timer endToEnd;
    final Timer queue;
    final Timer batchWait;
    final Timer forwardWait;
    final Counter scored;
    final Counter deadLetters;

    ScoringMeters(Meters meters) {
        scoring = meters.timer("streams.scoring", "ONNX Runtime time per micro-batch", 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1);
        batchSize = meters.histogram("streams.batch.size", "Images per micro-batch", 1, 2, 4, 8, 16, 32, 64, 128, 256);
        endToEnd = meters.timer("streams.end.to.end", "Image event time to prediction", 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
        // Where an image's latency goes inside the app, stage by stage (docs/benchmarks.md reads them per load).
        double[] stage = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
        queue = meters.timer("streams.queue",
                "Image record timestamp (producer or broker append time) to its processing: fetch and consumer queue", stage);
        batchWait = meters.timer("streams.batch.wait", "Image processed to scored: the micro-batch wait and the ONNX Runtime call", stage);
        forwardWait = meters.timer("streams.forward.wait",
                "Image scored to its prediction handed to the producer (the task's next process, punctuation or commit)", stage);
        scored = meters.counter("streams.images.scored", "Images scored");
        deadLetters = meters.counter("streams.dead.letters", "Records the streams-app sent to the dead-letter topic");
    }
}
