package io.meanstream.cli.demo;

import io.meanstream.cli.feed.DelayRange;
import io.meanstream.cli.feed.Feeder;
import io.meanstream.cli.feed.LabelPolicy;
import io.meanstream.data.LabeledImages;
import io.meanstream.schema.ModelRelease;
import io.meanstream.trainer.service.TrainerService;
import io.meanstream.trainer.service.TrainerSettings;
import io.meanstream.trainer.stream.HoldoutSplit;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run of the live learning benchmark: the whole pipeline ({@link LocalPipeline}, the demo's settings) with
 * one trainer mode for a fixed wall time, fed like the demo (the seed fixes the images, which get labels, and
 * each label's delay after its image, so two runs with one seed see the same stream at the same moments).
 * Releases are recorded as they reach the models topic and scored on the test set after the run, from their
 * released bytes with ONNX Runtime, so the evaluation takes no CPU from the training it measures.
 */
final class LearningRun {

    /** What to run: a trainer mode and a label policy (an arm of the comparison) on one stream. */
    record Spec(String mode, LabelPolicy labelPolicy, int labelsPerClass, long seed, double minutes, double rate, DelayRange labelDelay,
                int trainerThreads, Map<String, String> settings) {

        /** The arm: the trainer mode, and the label policy when the labels answer requests. */
        String arm() {
            return labelPolicy == LabelPolicy.REQUESTED ? mode + " + requested labels" : mode;
        }

        String describe() {
            return String.format(Locale.ROOT, "%s, %d labels/class, seed %d", arm(), labelsPerClass, seed);
        }
    }

    /** The run's outcome; the delays as {@link ReleaseHistory.Delays} says. */
    record Result(Spec spec, long images, long labels, long requestedLabels, long steps, List<ReleaseHistory.ReleasePoint> releases,
                  double prequentialAccuracy, long judged, List<Double> labelDelaysSeconds, long labelsNotServed, long holdoutLabels,
                  List<Feeder.RequestedLabel> requested) {

        /** The newest release (null when none). */
        ReleaseHistory.ReleasePoint newest() {
            return releases.isEmpty() ? null : releases.get(releases.size() - 1);
        }
    }

    private LearningRun() {
    }

    static Result run(Spec spec, LabeledImages train, LabeledImages test, Path work, Consumer<String> progress) throws Exception {
        long plannedMillis = (long) (spec.minutes() * 60_000);
        int planned = (int) Math.min(train.count(), Math.max(1, Math.round(spec.rate() * plannedMillis / 1000.0)));
        Map<String, String> trainerOverrides = new HashMap<>(spec.settings());
        trainerOverrides.put(TrainerSettings.MODE.env(), spec.mode());
        Map<String, String> streamsOverrides = LocalPipeline.withRequestPace(spec.settings(),
                (double) spec.labelsPerClass() * train.classNames().size() / spec.minutes());
        List<ModelRelease> models;
        Map<Long, Long> firstScored;
        List<DemoObserver.GivenLabel> labels;
        Map<String, Long> firstDrawn;
        DemoObserver.Snapshot seen;
        long start;
        long steps;
        long images;
        long requestedLabels;
        List<Feeder.RequestedLabel> requested;
        HoldoutSplit holdout;
        try (LocalPipeline pipeline = LocalPipeline.startBroker(work.resolve("kafka"))) {
            pipeline.createTopics();
            pipeline.startServices(LocalPipeline.trainerSettings(work, spec.seed(), spec.trainerThreads(), trainerOverrides),
                    LocalPipeline.streamsSettings(work, streamsOverrides));
            holdout = pipeline.holdoutSplit();
            TrainerService trainer = pipeline.trainer();
            try (DemoObserver observer = new DemoObserver(pipeline.kafka(), pipeline.topics(), pipeline.modelName())) {
                Thread observing = new Thread(observer, "learning-observer");
                observing.setDaemon(true);
                observing.start();
                start = System.currentTimeMillis();
                LiveFeed feed = LiveFeed.start(pipeline, train, planned, spec.rate(), spec.seed(), spec.labelsPerClass(), spec.labelDelay(),
                        spec.labelPolicy());
                Feeder feeder = feed.feeder();
                long lastProgress = 0;
                while (true) {
                    feed.await(1000);
                    long elapsed = System.currentTimeMillis() - start;
                    if (elapsed - lastProgress >= 15_000 || elapsed >= plannedMillis || !feed.isRunning()) {
                        lastProgress = elapsed;
                        progress.accept(String.format(Locale.ROOT, "[%s] %4.1f/%.1f min  images %,d  labels %d  step %,d  released v%d  served v%d",
                                spec.describe(), elapsed / 60_000.0, spec.minutes(), feeder.imagesSent(), feeder.labelsSent(), trainer.steps(),
                                trainer.releasedVersion(), pipeline.app().modelVersion()));
                    }
                    if (elapsed >= plannedMillis || !feed.isRunning()) {
                        break;
                    }
                }
                Exception feedFailure = feed.stop();
                if (feedFailure != null) {
                    throw new IllegalStateException("the feed failed: " + feedFailure.getMessage(), feedFailure);
                }
                steps = trainer.steps();
                images = feeder.imagesSent();
                requestedLabels = feeder.requestedLabelsSent();
                requested = feeder.requestedLabels();
                awaitObserved(observer, trainer.releasedVersion(), feeder.labelsSent());
                seen = observer.snapshot();
                models = observer.releasedModels();
                firstScored = observer.firstScoredMillis();
                labels = observer.labels();
                firstDrawn = ReleaseHistory.firstDrawn(labels, trainer.pool());
            }
        }
        List<ReleaseHistory.ReleasePoint> points = ReleaseHistory.points(models, labels, firstScored, seen, start, test, done -> { });
        ReleaseHistory.Delays delays = ReleaseHistory.delays(labels, firstDrawn, holdout, models, firstScored);
        return new Result(spec, images, labels.size(), requestedLabels, steps, points, seen.overallAccuracy(), seen.judged(), delays.seconds(),
                delays.notServed(), delays.holdout(), requested);
    }

    /** The observer reads the topics a little behind the services: wait (bounded) until it has seen the last release and labels. */
    private static void awaitObserved(DemoObserver observer, long releasedVersion, long labelsSent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline
                && (observer.snapshot().newestVersion() < releasedVersion || observer.labels().size() < labelsSent)) {
            Thread.sleep(100);
        }
    }
}
