package io.meanstream.trainer.offline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.meanstream.trainer.data.InMemoryImages;
import io.meanstream.trainer.engine.MeanTeacherEngine;

/** Accuracy of the student or the teacher, in inference mode, on a whole labeled set. */
public final class Evaluator {

    private static final int BATCH = 1000;

    private Evaluator() {
    }

    public static double accuracy(MeanTeacherEngine engine, boolean teacher, InMemoryImages data) {
        long correct = 0;
        try (NDManager manager = engine.newManager()) {
            for (int from = 0; from < data.size(); from += BATCH) {
                int to = Math.min(data.size(), from + BATCH);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray logits = engine.predictLogits(teacher, data.slice(from, to));
                    long[] predicted = logits.argMax(1).toLongArray();
                    for (int i = 0; i < predicted.length; i++) {
                        if (predicted[i] == data.label(from + i)) {
                            correct++;
                        }
                    }
                }
            }
        }
        return (double) correct / data.size();
    }
}
