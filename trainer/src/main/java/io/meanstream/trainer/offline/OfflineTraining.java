package io.meanstream.trainer.offline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.meanstream.data.LabeledImages;
import io.meanstream.image.TensorSpec;
import io.meanstream.trainer.data.InMemoryImages;
import io.meanstream.trainer.data.TrainingBatch;
import io.meanstream.trainer.data.TwoStreamSampler;
import io.meanstream.trainer.engine.MeanTeacherConfig;
import io.meanstream.trainer.engine.MeanTeacherEngine;
import io.meanstream.trainer.engine.StepStats;
import io.meanstream.trainer.model.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Trains on an in-memory data set with K labels per class (the rest unlabeled) and evaluates student and
 * teacher on the test set: the offline benchmark of the engine that the streaming trainer uses.
 */
public final class OfflineTraining {

    /**
     * @param evalEvery evaluate on the test set every this many steps (0: only at the end)
     * @param logEvery report progress every this many steps (0: never)
     * @param whenDone called with the trained engine and its final test accuracies before it is closed (export,
     *     inspection); may be null
     */
    public record Options(MeanTeacherConfig config, int labelsPerClass, int steps, int evalEvery, int logEvery,
                          Device device, Consumer<String> log, BiConsumer<MeanTeacherEngine, EvalPoint> whenDone) {
    }

    /** Accuracy at one point of the run. */
    public record EvalPoint(long step, double studentAccuracy, double teacherAccuracy) {
    }

    /**
     * The outcome. Timings cover training steps only (batch assembly included, evaluation excluded);
     * {@code msPerStepByPhase} splits the engine's part of a step (see {@link io.meanstream.trainer.engine.PhaseTimes}).
     */
    public record Result(double studentAccuracy, double teacherAccuracy, long steps, double samplesPerSecond,
                         double msPerStep, Map<String, Double> msPerStepByPhase, long peakRssBytes, long rssAfterWarmupBytes,
                         long rssAtEndBytes, int labeled, int unlabeled, StepStats lastStep, List<EvalPoint> curve, double seconds) {
    }

    private OfflineTraining() {
    }

    public static Result run(LabeledImages train, LabeledImages test, TensorSpec tensorSpec, Options options) {
        MeanTeacherConfig config = options.config();
        Consumer<String> log = options.log() == null ? s -> { } : options.log();
        int numClasses = train.classNames().size();
        NetworkSpec spec = NetworkSpec.convNet(tensorSpec.channels(), tensorSpec.height(), tensorSpec.width(), numClasses,
                config.widthFactor(), config.dropout(), config.twoHeads());
        LabeledSubset subset = LabeledSubset.perClass(train.labels(), numClasses, options.labelsPerClass(), config.seed());
        float[] pad = new float[tensorSpec.channels()];
        for (int c = 0; c < pad.length; c++) {
            pad[c] = -tensorSpec.mean()[c] / tensorSpec.std()[c];
        }
        long t0 = System.nanoTime();
        try (MeanTeacherEngine engine = new MeanTeacherEngine(config, spec, pad, options.device());
             NDManager data = engine.newManager();
             InMemoryImages trainSet = new InMemoryImages(data, train, tensorSpec);
             InMemoryImages testSet = new InMemoryImages(data, test, tensorSpec)) {
            TwoStreamSampler sampler = new TwoStreamSampler(subset.labeled(), subset.unlabeled(),
                    config.labeledBatchSize(), config.unlabeledBatchSize(), config.seed());
            log.accept(String.format("training %s (%s) on %d labeled + %d unlabeled images, %d steps",
                    spec.architecture(), config.mode(), subset.labeled().length, subset.unlabeled().length, options.steps()));
            List<EvalPoint> curve = new ArrayList<>();
            long trainNanos = 0;
            long rssAfterWarmup = -1;
            StepStats last = null;
            for (int s = 1; s <= options.steps(); s++) {
                long start = System.nanoTime();
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    TrainingBatch batch = trainSet.batch(data, sampler.next(), config.labeledBatchSize());
                    last = engine.step(batch);
                }
                trainNanos += System.nanoTime() - start;
                if (s == Math.min(100, options.steps())) {
                    rssAfterWarmup = ProcessMemory.rssBytes();
                }
                if (options.logEvery() > 0 && s % options.logEvery() == 0) {
                    log.accept(String.format("step %d/%d class %.4f consistency %.5f (w %.2f) total %.4f lr %.4f alpha %.4f %.0f samples/s rss %d MiB",
                            s, options.steps(), last.classLoss(), last.consistencyLoss(), last.consistencyWeight(), last.totalLoss(),
                            last.learningRate(), last.emaAlpha(), s * (double) config.rowsPerStep() / (trainNanos / 1e9),
                            ProcessMemory.rssBytes() >> 20));
                }
                if (options.evalEvery() > 0 && s % options.evalEvery() == 0 && s < options.steps()) {
                    EvalPoint point = new EvalPoint(s, Evaluator.accuracy(engine, false, testSet), Evaluator.accuracy(engine, true, testSet));
                    curve.add(point);
                    log.accept(String.format("step %d: test accuracy student %.4f teacher %.4f", s, point.studentAccuracy(), point.teacherAccuracy()));
                }
            }
            double student = Evaluator.accuracy(engine, false, testSet);
            double teacher = Evaluator.accuracy(engine, true, testSet);
            EvalPoint end = new EvalPoint(options.steps(), student, teacher);
            curve.add(end);
            if (options.whenDone() != null) {
                options.whenDone().accept(engine, end);
            }
            double seconds = trainNanos / 1e9;
            return new Result(student, teacher, engine.steps(), options.steps() * (double) config.rowsPerStep() / seconds,
                    1000.0 * seconds / Math.max(1, options.steps()), engine.phaseTimes().msPerStep(), ProcessMemory.peakRssBytes(),
                    rssAfterWarmup, ProcessMemory.rssBytes(), subset.labeled().length, subset.unlabeled().length, last, List.copyOf(curve),
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
