package io.meanstream.cli.demo;

import io.meanstream.data.LabeledImages;
import io.meanstream.image.ImageNormaliser;
import io.meanstream.onnx.OnnxModelException;
import io.meanstream.onnx.OnnxScorer;
import io.meanstream.schema.ModelRelease;
import io.meanstream.streams.model.ExecutionProvider;
import io.meanstream.streams.model.ModelLoader;
import io.meanstream.streams.model.ModelRefusedException;
import java.util.function.LongConsumer;

/**
 * Scores a released model on a labeled test set with ONNX Runtime, exactly as the streams-app would load it
 * (SHA-256 check, metadata check) and normalise its inputs (from the model's own provenance).
 */
final class TestSetEvaluation {

    private static final int BATCH = 500;

    private TestSetEvaluation() {
    }

    static double accuracy(ModelRelease release, LabeledImages test, LongConsumer progress) throws ModelRefusedException, OnnxModelException {
        ModelLoader loader = new ModelLoader(2, ExecutionProvider.resolve("cpu", () -> { }), BATCH);
        try (OnnxScorer scorer = loader.load(release)) {
            ImageNormaliser normaliser = new ImageNormaliser(scorer.provenance().input());
            int size = normaliser.tensorSize();
            float[] x = new float[BATCH * size];
            long correct = 0;
            for (int from = 0; from < test.count(); from += BATCH) {
                int n = Math.min(BATCH, test.count() - from);
                for (int i = 0; i < n; i++) {
                    normaliser.toChw(test.image(from + i), x, i * size);
                }
                OnnxScorer.Scores scores = scorer.score(n == BATCH ? x : java.util.Arrays.copyOf(x, n * size), n);
                for (int i = 0; i < n; i++) {
                    if (scores.argMax(i) == test.label(from + i)) {
                        correct++;
                    }
                }
                progress.accept(from + n);
            }
            return (double) correct / test.count();
        }
    }
}
