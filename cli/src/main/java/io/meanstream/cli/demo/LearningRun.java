package io.meanstream.cli.demo;

import io.meanstream.cli.feed.DelayRange;
import io.meanstream.cli.feed.FashionMnistSource;
import io.meanstream.cli.feed.FeedOptions;
import io.meanstream.cli.feed.Feeder;
import io.meanstream.data.FashionMnist;
import io.meanstream.data.LabeledImages;
import io.meanstream.schema.ImageEncoding;
import io.meanstream.schema.ModelRelease;
import io.meanstream.trainer.service.TrainerService;
import io.meanstream.trainer.service.TrainerSettings;
import io.meanstream.trainer.stream.HoldoutSplit;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One run of the live learning benchmark: the whole pipeline ({@link LocalPipeline}, the demo's settings) with
 * one trainer mode for a fixed wall time, fed like the demo (the seed fixes the images, which get labels, and
 * each label's delay after its image, so two runs with one seed see the same stream at the same moments).
 * Releases are recorded as they reach the models topic and scored on the test set after the run, from their
 * released bytes with ONNX Runtime, so the evaluation takes no CPU from the training it measures.
 */
final class LearningRun {

    /** What to run. */
    record Spec(String mode, int labelsPerClass, long seed, double minutes, double rate, DelayRange labelDelay, int trainerThreads,
                Map<String, String> settings) {

        String describe() {
            return String.format(Locale.ROOT, "%s, %d labels/class, seed %d", mode, labelsPerClass, seed);
        }
    }

    /** One released model: when, after how many steps and labels, and how good. */
    record ReleasePoint(long version, long trainerStep, double minutes, long labelsGiven, double testAccuracy, double prequentialAccuracy,
                        long prequentialJudged, double servedMinutes, Map<String, Double> metrics) {
    }

    /**
     * The run's outcome. Label delays: from a label's arrival on the labels topic to the first prediction of the
     * first model exported after the trainer first drew that label for a step, for the labels on the training
     * side that were served within the run; the others are counted.
     */
    record Result(Spec spec, long images, long labels, long steps, List<ReleasePoint> releases, double prequentialAccuracy, long judged,
                  List<Double> labelDelaysSeconds, long labelsNotServed, long holdoutLabels) {

        /** The newest release (null when none). */
        ReleasePoint newest() {
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
        List<ModelRelease> models;
        Map<Long, Long> firstScored;
        List<DemoObserver.GivenLabel> labels;
        Map<String, Long> firstDrawn = new HashMap<>();
        DemoObserver.Snapshot seen;
        long start;
        long steps;
        long images;
        double holdoutFraction;
        try (LocalPipeline pipeline = LocalPipeline.startBroker(work.resolve("kafka"))) {
            pipeline.createTopics();
            var trainerSettings = LocalPipeline.trainerSettings(work, spec.seed(), spec.trainerThreads(), trainerOverrides);
            holdoutFraction = trainerSettings.get(TrainerSettings.HOLDOUT_FRACTION);
            pipeline.startServices(trainerSettings, LocalPipeline.streamsSettings(work, spec.settings()));
            TrainerService trainer = pipeline.trainer();
            try (DemoObserver observer = new DemoObserver(pipeline.kafka(), pipeline.topics())) {
                Thread observing = new Thread(observer, "learning-observer");
                observing.setDaemon(true);
                observing.start();
                Feeder feeder = new Feeder(pipeline.kafka(), pipeline.topics(), new PrintStream(OutputStream.nullOutputStream()));
                AtomicReference<Exception> feedFailure = new AtomicReference<>();
                Thread feeding = new Thread(() -> {
                    try {
                        feeder.feed(new FashionMnistSource(train, FashionMnist.Split.TRAIN, ImageEncoding.PNG),
                                new FeedOptions(planned, spec.rate(), spec.seed(), true, spec.labelsPerClass(), null, spec.labelDelay(),
                                        false, true));
                    } catch (Exception e) {
                        feedFailure.set(e);
                    }
                }, "learning-feed");
                start = System.currentTimeMillis();
                feeding.start();
                long lastProgress = 0;
                while (true) {
                    feeding.join(1000);
                    long elapsed = System.currentTimeMillis() - start;
                    if (elapsed - lastProgress >= 15_000 || elapsed >= plannedMillis || !feeding.isAlive()) {
                        lastProgress = elapsed;
                        progress.accept(String.format(Locale.ROOT, "[%s] %4.1f/%.1f min  images %,d  labels %d  step %,d  released v%d  served v%d",
                                spec.describe(), elapsed / 60_000.0, spec.minutes(), feeder.imagesSent(), feeder.labelsSent(), trainer.steps(),
                                trainer.releasedVersion(), pipeline.app().modelVersion()));
                    }
                    if (elapsed >= plannedMillis || !feeding.isAlive()) {
                        break;
                    }
                }
                feeder.requestStop();
                feeding.join();
                if (feedFailure.get() != null) {
                    throw new IllegalStateException("the feed failed: " + feedFailure.get().getMessage(), feedFailure.get());
                }
                steps = trainer.steps();
                images = feeder.imagesSent();
                awaitObserved(observer, trainer.releasedVersion(), feeder.labelsSent());
                seen = observer.snapshot();
                models = observer.releasedModels();
                firstScored = observer.firstScoredMillis();
                labels = observer.labels();
                for (DemoObserver.GivenLabel l : labels) {
                    firstDrawn.put(l.imageId(), trainer.pool().firstDrawnMillis(l.imageId()));
                }
            }
        }
        List<ReleasePoint> points = new ArrayList<>();
        for (ModelRelease m : models) {
            long created = m.getCreatedTime().toEpochMilli();
            long given = labels.stream().filter(l -> l.givenMillis() <= created).count();
            Long served = firstScored.get(m.getVersion());
            long judged = seen.quality().stream().filter(q -> q.getModelVersion() == m.getVersion()).mapToLong(q -> q.getCount()).sum();
            points.add(new ReleasePoint(m.getVersion(), m.getTrainerStep(), (created - start) / 60_000.0, given,
                    TestSetEvaluation.accuracy(m, test, done -> { }), seen.accuracyOf(m.getVersion()), judged,
                    served == null ? Double.NaN : (served - start) / 60_000.0, Map.copyOf(m.getMetrics())));
        }
        HoldoutSplit holdout = new HoldoutSplit(holdoutFraction);
        List<Double> delays = new ArrayList<>();
        long notServed = 0;
        long held = 0;
        for (DemoObserver.GivenLabel l : labels) {
            if (holdout.isHoldout(l.imageId())) {
                held++;
                continue;
            }
            long servedAt = servedAfter(firstDrawn.getOrDefault(l.imageId(), -1L), models, firstScored);
            if (servedAt < 0) {
                notServed++;
            } else {
                delays.add((servedAt - l.givenMillis()) / 1000.0);
            }
        }
        return new Result(spec, images, labels.size(), steps, points, seen.overallAccuracy(), seen.judged(), delays, notServed, held);
    }

    /** The first prediction time of the first model exported at or after {@code drawnMillis}; -1 when none was served. */
    static long servedAfter(long drawnMillis, List<ModelRelease> models, Map<Long, Long> firstScored) {
        if (drawnMillis < 0) {
            return -1;
        }
        return models.stream().filter(m -> m.getCreatedTime().toEpochMilli() >= drawnMillis)
                .mapToLong(m -> firstScored.getOrDefault(m.getVersion(), -1L)).filter(t -> t >= 0).min().orElse(-1);
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
